# language: id
Fitur: Peserta diklat berpredikat baik
  Peserta diklat tahun n dengan skor paling rendah 75 berpredikat baik (definisi operasional IKU
  "Persentase peserta diklat berpredikat baik", Jawa Timur dan Jambi). Peserta dihitung per baris.

  Skenario konsep: Skor di batas 75
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum |
      | 3578000000000001 | Kop A | 35.78        | 2010-01-01          |
    Dan tabel diklat:
      | id_peserta | nama  | tahun   | program             | skor   |
      | P-1        | Ani   | <tahun> | Manajemen Koperasi  | <skor> |
    Ketika dinilai untuk tahun 2024 dengan profil jatim
    Maka peserta_diklat P-1 <hasil> tag predikat_baik

    Contoh:
      | tahun | skor  | hasil          |
      | 2024  | 75    | mendapat       |
      | 2024  | 74,99 | tidak mendapat |
      | 2024  | 100   | mendapat       |
      | 2023  | 90    | tidak mendapat |
