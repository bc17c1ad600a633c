# language: id
Fitur: Seri beberapa tahun dan capaian terhadap target Renstra (LKjIP)
  `iku run --year 2022-2024` menilai setiap tahun dari satu data yang sama, masing-masing dengan
  aturan dan parameter yang berlaku pada 31 Desember tahun itu. Tahun yang aturannya belum berlaku,
  atau yang datanya tidak ada, kosong dengan alasannya, tidak pernah 0. Indikator pertumbuhan tahun n
  memakai tahun n dan n-1. capaian = realisasi ÷ target × 100 (makin tinggi makin baik); tanpa target
  capaian kosong dengan alasan "target belum diisi" — iku tidak mengarang target.

  Skenario: Persentase koperasi aktif per tahun dalam satu seri
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum |
      | 3578000000000001 | Kop A | 35.78        | 2010-01-01          |
      | 3578000000000002 | Kop B | 35.78        | 2010-01-01          |
    Dan tabel rat:
      | nik              | tanggal_rat |
      | 3578000000000001 | 2023-03-01  |
      | 3578000000000001 | 2024-03-01  |
      | 3578000000000002 | 2024-04-01  |
    Ketika dinilai untuk tahun 2023-2024 dengan profil jatim
    Maka indikator jatim-1 tahun 2023 bernilai 50
    Dan indikator jatim-1 tahun 2024 bernilai 100
    Dan capaian indikator jatim-1 tahun 2024 kosong dengan alasan "target belum diisi"

  Skenario: Tahun yang aturannya belum berlaku kosong, bukan 0
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum |
      | 3578000000000001 | Kop A | 35.78        | 2001-01-01          |
    Dan tabel rat:
      | nik              | tanggal_rat |
      | 3578000000000001 | 2006-03-01  |
      | 3578000000000001 | 2007-03-01  |
    Ketika dinilai untuk tahun 2006,2007 dengan profil jatim
    Maka indikator jatim-1 tahun 2006 tidak terdefinisi dengan alasan "aturan koperasi_aktif_22_2007 belum berlaku pada tahun 2006"
    Dan indikator jatim-1 tahun 2007 bernilai 100

  Skenario: Pertumbuhan volume usaha setiap tahun memakai tahun itu dan tahun sebelumnya
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum |
      | 1571000000000001 | Kop J | 15.71        | 2010-01-01          |
    Dan tabel kinerja_koperasi:
      | nik              | tahun | volume_usaha  |
      | 1571000000000001 | 2022  | Rp 1.000.000  |
      | 1571000000000001 | 2023  | Rp 1.100.000  |
      | 1571000000000001 | 2024  | Rp 1.320.000  |
    Ketika dinilai untuk tahun 2022-2024 dengan profil jambi
    Maka indikator jambi-2 tahun 2022 tidak terdefinisi dengan alasan "Σ2021 = 0"
    Dan indikator jambi-2 tahun 2023 bernilai 10
    Dan indikator jambi-2 tahun 2024 bernilai 20

  Skenario: Capaian terhadap target Renstra, dengan angka
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum |
      | 3578000000000001 | Kop A | 35.78        | 2010-01-01          |
      | 3578000000000002 | Kop B | 35.78        | 2010-01-01          |
    Dan tabel rat:
      | nik              | tanggal_rat |
      | 3578000000000001 | 2023-03-01  |
      | 3578000000000001 | 2024-03-01  |
      | 3578000000000002 | 2024-04-01  |
    Dan target Renstra:
      | indicator | year | value | document                       | page |
      | jatim-1   | 2023 | 60    | Renstra Dinas KUKM 2019-2024   | 87   |
      | jatim-1   | 2024 | 80    | Renstra Dinas KUKM 2019-2024   | 87   |
    Ketika dinilai untuk tahun 2023-2024 dengan profil jatim
    # 2023: realisasi 50 % ÷ target 60 % × 100 = 83,33 %; 2024: 100 ÷ 80 × 100 = 125 %
    Maka capaian indikator jatim-1 tahun 2023 adalah 83,33
    Dan capaian indikator jatim-1 tahun 2024 adalah 125
    Dan capaian indikator jatim-2 tahun 2024 kosong dengan alasan "target belum diisi"
