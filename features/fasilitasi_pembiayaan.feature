# language: id
Fitur: KUKM dibina, difasilitasi pemasaran, dan mengajukan pembiayaan
  Dibina pada tahun n: setidaknya satu baris fasilitasi tahun n bidang apa pun; difasilitasi
  pemasaran: bidang pemasaran; mengajukan pembiayaan: tanggal pengajuan pada tahun n
  (definisi operasional IKU Jawa Timur dan Jambi).

  Latar Belakang:
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum |
      | 3578000000000001 | Kop A | 35.78        | 2010-01-01          |
    Dan tabel ukm:
      | nib           | nama    | kode_wilayah |
      | 1200000000001 | UD Sari | 35.07        |

  Skenario konsep: Fasilitasi menurut bidang dan tahun
    Dengan tabel fasilitasi:
      | id_kukm       | tahun   | bidang   |
      | 1200000000001 | <tahun> | <bidang> |
    Ketika dinilai untuk tahun 2024 dengan profil jatim
    Maka ukm 1200000000001 <dibina> tag dibina
    Dan ukm 1200000000001 <pemasaran> tag difasilitasi_pemasaran

    Contoh:
      | tahun | bidang    | dibina         | pemasaran      |
      | 2024  | Pemasaran | mendapat       | mendapat       |
      | 2024  | sdm       | mendapat       | tidak mendapat |
      | 2023  | pemasaran | tidak mendapat | tidak mendapat |

  Skenario konsep: Pengajuan pembiayaan pada tahun n
    Dengan tabel pembiayaan:
      | id_kukm          | tanggal_pengajuan | lembaga    | nilai         |
      | 3578000000000001 | <tanggal>         | Bank Jatim | Rp 25.000.000 |
    Ketika dinilai untuk tahun 2024 dengan profil jatim
    Maka koperasi 3578000000000001 <hasil> tag mengajukan_pembiayaan

    Contoh:
      | tanggal    | hasil          |
      | 2024-07-01 | mendapat       |
      | 2023-12-31 | tidak mendapat |
