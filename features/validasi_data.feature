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
      | table            | row | column       |
      | koperasi         | 3   | nama         |
      | koperasi         | 4   | nik          |
      | koperasi         | 5   | nik          |
      | kinerja_koperasi | 2   | volume_usaha |
      | kinerja_koperasi | 3   | nik          |
      | diklat           | 2   | skor         |
    Dan indikator jatim-7 bernilai 100
