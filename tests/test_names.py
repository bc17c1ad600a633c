"""One ranking of "did you mean" names, for explanations and for rule checks."""

from engine.names import closest, closest_names


def test_equally_close_names_keep_the_order_they_were_given_in():
    assert closest_names("jatim-", ["jatim-1", "jatim-7", "jambi-1"]) == ["jatim-1", "jatim-7", "jambi-1"]
    assert closest_names("jatim-", ["jatim-7", "jatim-1"]) == ["jatim-7", "jatim-1"]


def test_the_closest_come_first_and_far_names_not_at_all():
    assert closest_names("aktif_22_2007", ["sehat", "aktif_25_2015", "aktif_22_2007x"], count=2) == \
        ["aktif_22_2007x", "aktif_25_2015"]
    assert closest_names("zzz", ["aktif", "sehat"]) == []


def test_a_rule_check_hints_at_one_close_name_only():
    assert closest("treshold", ["threshold", "thresholds", "tahun"]) == " (maksudnya 'threshold'?)"
    assert closest("qqqq", ["threshold", "tahun"]) == ""
