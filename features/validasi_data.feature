# language: id
Fitur: Baris data yang ditolak
  Baris yang buruk tidak menghentikan penilaian dan tidak pernah hilang diam-diam: setiap baris ditolak
  tercatat dengan tabel, nomor baris (judul = baris 1), kolom, nilai dan alasannya (kontrak data iku v1).

  Skenario: Nilai wajib kosong, angka tidak terbaca, skor di luar 0-100, id ganda, id notasi ilmiah dan id tak terdaftar
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum |
      | 3578000000000001 | Kop A | 35.78        | 2010-01-01          |
      | 3578000000000002 |       | 35.78        | 2010-01-01          |
      | 3.57801E+15      | Kop C | 35.78        | 2010-01-01          |
      | 3578000000000001 | Kop A | 35.78        | 2010-01-01          |
    Dan tabel kinerja_koperasi:
      | nik              | tahun | volume_usaha | skor_kesehatan |
      | 3578000000000001 | 2024  | sejuta       | 80             |
      | 3578000000000009 | 2024  | 1.000        | 80             |
    Dan tabel diklat:
      | id_peserta | tahun | skor |
      | P-1        | 2024  | 105  |
      | P-2        | 2024  | 90   |
    Ketika dinilai untuk tahun 2024 dengan profil jatim
    Maka baris ditolak:
      | table            | row | column       | alasan                                  |
      | koperasi         | 3   | nama         | nilai wajib diisi tetapi kosong         |
      | koperasi         | 4   | nik          | notasi ilmiah                           |
      | koperasi         | 5   | nik          | duplikat: nik yang sama sudah ada di baris 2 |
      | kinerja_koperasi | 2   | volume_usaha | angka tidak terbaca                     |
      | kinerja_koperasi | 3   | nik          | tidak terdaftar di tabel koperasi       |
      | diklat           | 2   | skor         | skor harus di antara 0 dan 100          |
    Dan indikator jatim-7 bernilai 100

  Skenario: Angka dan tanggal yang ditulis menurut kebiasaan kantor tidak ditolak
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum | tanggal_bubar |
      | 3578000000000001 | Kop A | 35.78        | 12 Maret 2005       |               |
      | 3578000000000002 | Kop B | 35.78        | 12/03/2005          | 1 Agt 2024    |
    Dan tabel kinerja_koperasi:
      | nik              | tahun | volume_usaha        | melayani_anggota | skor_kesehatan |
      | 3578000000000001 | 2024  | Rp 1.500.000,00     | Ya               | 75,5           |
      | 3578000000000002 | 2024  | 1,234,567.89        | t                | 66             |
    Ketika dinilai untuk tahun 2024 dengan profil jatim
    Maka tidak ada baris ditolak
    Dan koperasi 3578000000000001 mendapat tag cukup_sehat
    Dan koperasi 3578000000000002 tidak mendapat tag populasi
