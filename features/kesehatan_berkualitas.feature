# language: id
Fitur: Predikat kesehatan dan koperasi berkualitas
  Predikat dari skor kesehatan tahun n (Perdep Deputi Pengawasan 06/Per/Dep.6/IV/2016): Sehat ≥ 80,
  Cukup Sehat 66 sampai < 80, Dalam Pengawasan 51 sampai < 66, Dalam Pengawasan Khusus < 51.
  Tidak dinilai: tanpa predikat. Berkualitas: aktif menurut Permen KUKM 25/2015 dan Sehat atau Cukup Sehat.

  Latar Belakang:
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum |
      | 3578000000000001 | Kop A | 15.71        | 2010-01-01          |
    Dan tabel rat:
      | nik              | tanggal_rat |
      | 3578000000000001 | 2022-03-01  |
      | 3578000000000001 | 2023-03-01  |
      | 3578000000000001 | 2024-03-01  |

  Aturan: Predikat kesehatan menurut skor tahun n

    Skenario konsep: Skor kesehatan di batas predikat
      Dengan tabel kinerja_koperasi:
        | nik              | tahun | volume_usaha | melayani_anggota | skor_kesehatan |
        | 3578000000000001 | 2024  | 1.000.000    | ya               | <skor>         |
      Ketika dinilai untuk tahun 2024 dengan profil jambi
      Maka koperasi 3578000000000001 mendapat tag <predikat>
      Dan koperasi 3578000000000001 <berkualitas> tag berkualitas

      Contoh:
        | skor  | predikat                | berkualitas    |
        | 100   | sehat                   | mendapat       |
        | 80    | sehat                   | mendapat       |
        | 79,99 | cukup_sehat             | mendapat       |
        | 66    | cukup_sehat             | mendapat       |
        | 65,99 | dalam_pengawasan        | tidak mendapat |
        | 51    | dalam_pengawasan        | tidak mendapat |
        | 50,99 | dalam_pengawasan_khusus | tidak mendapat |

    Skenario konsep: Skor tepat di batas tidak memberi predikat di bawahnya; skor kosong tidak memberi predikat
      Dengan tabel kinerja_koperasi:
        | nik              | tahun | volume_usaha | melayani_anggota | skor_kesehatan |
        | 3578000000000001 | 2024  | 1.000.000    | ya               | <skor>         |
      Ketika dinilai untuk tahun 2024 dengan profil jambi
      Maka koperasi 3578000000000001 tidak mendapat tag <bukan>

      Contoh:
        | skor  | bukan                   |
        | 80    | cukup_sehat             |
        | 66    | dalam_pengawasan        |
        | 51    | dalam_pengawasan_khusus |
        | 79,99 | sehat                   |
        |       | sehat                   |
        |       | cukup_sehat             |
        |       | dalam_pengawasan        |
        |       | dalam_pengawasan_khusus |

    Skenario: Koperasi yang tidak dinilai tidak berpredikat dan tidak berkualitas
      Dengan tabel kinerja_koperasi:
        | nik              | tahun | volume_usaha | melayani_anggota | skor_kesehatan |
        | 3578000000000001 | 2024  | 1.000.000    | ya               |                |
      Ketika dinilai untuk tahun 2024 dengan profil jambi
      Maka koperasi 3578000000000001 tidak mendapat tag sehat
      Dan koperasi 3578000000000001 tidak mendapat tag cukup_sehat
      Dan koperasi 3578000000000001 tidak mendapat tag dalam_pengawasan
      Dan koperasi 3578000000000001 tidak mendapat tag dalam_pengawasan_khusus
      Dan koperasi 3578000000000001 tidak mendapat tag berkualitas
      Dan indikator jambi-1 bernilai 0
      Dan penjelasan untuk koperasi 3578000000000001 tentang tag sehat memuat "tidak dinilai kesehatannya pada tahun 2024"

  Aturan: Berkualitas = aktif menurut Permen KUKM 25/2015 dan Sehat atau Cukup Sehat

    Skenario: Sehat tetapi tidak aktif bukan berkualitas
      Dengan tabel kinerja_koperasi:
        | nik              | tahun | volume_usaha | melayani_anggota | skor_kesehatan |
        | 3578000000000001 | 2024  | 0            | ya               | 95             |
      Ketika dinilai untuk tahun 2024 dengan profil jambi
      Maka koperasi 3578000000000001 mendapat tag sehat
      Tetapi koperasi 3578000000000001 tidak mendapat tag berkualitas

    Skenario: Aktif menurut Permenkop UKM 22/2007 saja belum cukup untuk berkualitas
      Dengan tabel rat:
        | nik              | tanggal_rat |
        | 3578000000000009 | 2024-03-01  |
      Dan tabel koperasi:
        | nik              | nama  | kode_wilayah | tanggal_badan_hukum |
        | 3578000000000009 | Kop I | 15.71        | 2010-01-01          |
      Dan tabel kinerja_koperasi:
        | nik              | tahun | volume_usaha | melayani_anggota | skor_kesehatan |
        | 3578000000000001 | 2024  | 1.000.000    | ya               | 70             |
        | 3578000000000009 | 2024  | 1.000.000    | ya               | 85             |
      Ketika dinilai untuk tahun 2024 dengan profil jambi
      Maka koperasi 3578000000000009 mendapat tag sehat
      Dan koperasi 3578000000000009 mendapat tag aktif_22_2007
      Tetapi koperasi 3578000000000009 tidak mendapat tag berkualitas
      Dan koperasi 3578000000000001 mendapat tag berkualitas
      Dan indikator jambi-1 bernilai 100
      Dan penjelasan untuk koperasi 3578000000000009 tentang tag berkualitas memuat "Permen KUKM 25/2015 pada tahun 2024"
