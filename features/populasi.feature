# language: id
Fitur: Populasi koperasi tahun n
  Koperasi masuk populasi tahun n bila berbadan hukum paling lambat 31 Desember n dan belum bubar
  pada atau sebelum 31 Desember n (UU 25/1992 Pasal 9; interpretasi bawaan kontrak data iku v1).

  Skenario konsep: Tanggal badan hukum dan tanggal bubar di sekitar akhir tahun
    Dengan tabel koperasi:
      | nik              | nama     | kode_wilayah | tanggal_badan_hukum | tanggal_bubar |
      | 3578000000000001 | Kop Uji  | 35.78        | <badan_hukum>       | <bubar>       |
    Ketika dinilai untuk tahun 2024 dengan profil jatim
    Maka koperasi 3578000000000001 <hasil> tag populasi

    Contoh:
      | badan_hukum | bubar      | hasil          |
      | 2010-05-01  |            | mendapat       |
      | 31/12/2024  |            | mendapat       |
      | 01/01/2025  |            | tidak mendapat |
      | 2010-05-01  | 31/12/2024 | tidak mendapat |
      | 2010-05-01  | 15/06/2024 | tidak mendapat |
      | 2010-05-01  | 01/01/2025 | mendapat       |
