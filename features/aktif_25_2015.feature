# language: id
Fitur: Koperasi aktif dan tidak aktif menurut Permen KUKM 25/2015
  Pasal 1 angka 3: aktif bila dalam tiga tahun terakhir berturut-turut menyelenggarakan RAT dan
  melakukan kegiatan usaha melayani anggota. Pasal 1 angka 4: tidak aktif bila tidak menyelenggarakan
  RAT dalam tiga tahun berturut-turut dan/atau tidak melakukan kegiatan usaha. Koperasi di antara
  keduanya tidak dipaksa masuk salah satu.

  Latar Belakang:
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum |
      | 3578000000000001 | Kop A | 35.78        | 2010-01-01          |

  Skenario konsep: RAT tiga tahun dan kegiatan usaha
    Dengan tabel rat:
      | nik              | tanggal_rat |
      | 3578000000000001 | <rat_1>     |
      | 3578000000000001 | <rat_2>     |
    Dan tabel kinerja_koperasi:
      | nik              | tahun | volume_usaha | melayani_anggota |
      | 3578000000000001 | 2024  | <volume>     | <melayani>       |
    Ketika dinilai untuk tahun 2024 dengan profil jambi
    Maka koperasi 3578000000000001 <aktif> tag aktif_25_2015
    Dan koperasi 3578000000000001 <tidak_aktif> tag tidak_aktif_25_2015

    Contoh:
      | rat_1      | rat_2      | volume       | melayani | aktif          | tidak_aktif    |
      | 2022-03-01 | 2023-03-01 | Rp 1.000.000 | ya       | tidak mendapat | tidak mendapat |
      | 2020-03-01 | 2021-03-01 | Rp 1.000.000 | ya       | tidak mendapat | mendapat       |
      | 2022-03-01 | 2024-03-01 | 0            | ya       | tidak mendapat | mendapat       |
      | 2023-03-01 | 2024-03-01 | 1.500.000    | tidak    | tidak mendapat | tidak mendapat |

  Skenario konsep: Jendela tiga tahun dihitung menurut tanggal RAT, 1 Januari n-2 sampai 31 Desember n
    Dengan tabel rat:
      | nik              | tanggal_rat |
      | 3578000000000001 | <rat_1>     |
      | 3578000000000001 | <rat_2>     |
      | 3578000000000001 | <rat_3>     |
    Dan tabel kinerja_koperasi:
      | nik              | tahun | volume_usaha | melayani_anggota |
      | 3578000000000001 | 2024  | 2.500.000    | ya               |
    Ketika dinilai untuk tahun 2024 dengan profil jambi
    Maka koperasi 3578000000000001 <aktif> tag aktif_25_2015

    Contoh:
      | rat_1      | rat_2      | rat_3      | aktif          |
      | 01/01/2022 | 31/12/2023 | 31/12/2024 | mendapat       |
      | 31/12/2021 | 01/01/2023 | 01/01/2024 | tidak mendapat |
      | 01/01/2022 | 01/01/2023 | 01/01/2025 | tidak mendapat |

  Skenario: RAT pada setiap tahun n-2, n-1 dan n dengan usaha melayani anggota
    Dengan tabel rat:
      | nik              | tanggal_rat |
      | 3578000000000001 | 2022-03-01  |
      | 3578000000000001 | 2023-03-01  |
      | 3578000000000001 | 2024-03-01  |
    Dan tabel kinerja_koperasi:
      | nik              | tahun | volume_usaha | melayani_anggota |
      | 3578000000000001 | 2024  | 2.500.000    | ya               |
    Ketika dinilai untuk tahun 2024 dengan profil jambi
    Maka koperasi 3578000000000001 mendapat tag aktif_25_2015
    Dan koperasi 3578000000000001 tidak mendapat tag tidak_aktif_25_2015
    Dan penjelasan untuk koperasi 3578000000000001 tidak memuat "tidak memaksa koperasi ini masuk salah satunya"

  Skenario: Celah antara definisi aktif dan tidak aktif dijelaskan, bukan dipaksakan
    Dengan tabel rat:
      | nik              | tanggal_rat |
      | 3578000000000001 | 2022-03-01  |
      | 3578000000000001 | 2024-03-01  |
    Dan tabel kinerja_koperasi:
      | nik              | tahun | volume_usaha | melayani_anggota |
      | 3578000000000001 | 2024  | 2.500.000    | ya               |
    Ketika dinilai untuk tahun 2024 dengan profil jambi
    Maka koperasi 3578000000000001 tidak mendapat tag aktif_25_2015
    Dan penjelasan untuk koperasi 3578000000000001 tentang tag aktif_25_2015 memuat "tidak ada RAT pada tahun 2023"
    Dan penjelasan untuk koperasi 3578000000000001 tentang tag tidak_aktif_25_2015 memuat "maupun tidak aktif (Pasal 1 angka 4)"
