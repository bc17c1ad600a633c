"""The run's scratch file: blocks written once, read back by number, nothing left behind."""

import os
import pickle

import pytest

from engine.spool import BlockSpool


def test_blocks_read_back_as_written(tmp_path):
    spool = BlockSpool(tmp_path)
    numbers = [spool.write([("koperasi", str(n), n)] * n) for n in range(1, 6)]
    assert numbers == [0, 1, 2, 3, 4]
    assert [spool.read(number, keep=number % 2 == 0) for number in reversed(numbers)] == \
        [[("koperasi", str(n), n)] * n for n in range(5, 0, -1)]
    assert [spool.items(number) for number in numbers] == [1, 2, 3, 4, 5]
    assert pickle.loads(spool.raw(2)) == [("koperasi", "3", 3)] * 3
    assert spool.size() == sum(len(spool.raw(number)) for number in numbers)


def test_only_the_last_blocks_read_are_kept(tmp_path):
    spool = BlockSpool(tmp_path)
    for n in range(BlockSpool.KEPT + 2):
        spool.write([n])
    first = spool.read(0)
    assert spool.read(0) is first, "a block just read is kept"
    for n in range(1, BlockSpool.KEPT + 2):
        spool.read(n)
    assert spool.read(0) is not first and spool.read(0) == first, "older ones are read again"
    assert spool.read(1, keep=False) is not spool.read(1, keep=False)


def test_the_file_has_no_name_in_the_folder_and_is_not_sent_to_other_processes(tmp_path):
    spool = BlockSpool(tmp_path)
    spool.write(["fakta"])
    assert os.listdir(tmp_path) == []
    with pytest.raises(TypeError, match="not sent"):
        pickle.dumps(spool)
