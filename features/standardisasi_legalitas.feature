# language: id
Fitur: KUKM terstandardisasi dan memperoleh legalitas
  Terstandardisasi pada tahun n: sertifikat ISO 9001 atau ISO 22000 yang terbit pada tahun n dengan
  lembaga penerbit, atau Halal dari lembaga yang berwenang (UU 33/2014); standar lain tidak dihitung.
  Legalitas: KUKM yang memperoleh legalitas jenis yang disebut dokumen IKU Jawa Timur bertanggal tahun n.

  Latar Belakang:
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum |
      | 3578000000000001 | Kop A | 35.78        | 2010-01-01          |
    Dan tabel ukm:
      | nib           | nama       | kode_wilayah |
      | 1200000000001 | UD Sari    | 35.07        |

  Skenario konsep: Standar dan tahun terbit
    Dengan tabel standardisasi:
      | id_kukm       | standar   | lembaga   | tanggal_terbit |
      | 1200000000001 | <standar> | <lembaga> | <terbit>       |
    Ketika dinilai untuk tahun 2024 dengan profil jatim
    Maka ukm 1200000000001 <hasil> tag terstandardisasi

    Contoh:
      | standar   | lembaga   | terbit     | hasil          |
      | ISO 9001  | Sucofindo | 2024-05-01 | mendapat       |
      | iso 22000 | Sucofindo | 2024-05-01 | mendapat       |
      | Halal     | BPJPH     | 31/12/2024 | mendapat       |
      | Halal     | Sucofindo | 31/12/2024 | tidak mendapat |
      | SNI       | Sucofindo | 2024-05-01 | tidak mendapat |
      | Halal     | BPJPH     | 31/12/2023 | tidak mendapat |

  Skenario: Standar yang tidak diakui disebut dalam penjelasan
    Dengan tabel standardisasi:
      | id_kukm          | standar | lembaga | tanggal_terbit |
      | 3578000000000001 | SNI     | BSN     | 2024-05-01     |
    Ketika dinilai untuk tahun 2024 dengan profil jatim
    Maka koperasi 3578000000000001 tidak mendapat tag terstandardisasi
    Dan penjelasan untuk koperasi 3578000000000001 tentang tag terstandardisasi memuat "tidak ada sertifikat ISO 9001, ISO 22000 yang terbit pada tahun 2024"
    Dan indikator jatim-3 bernilai 0

  Skenario konsep: Legalitas pada tahun n
    Dengan tabel legalitas:
      | id_kukm          | tanggal   | jenis                |
      | 3578000000000001 | <tanggal> | tambah_unit_usaha    |
    Ketika dinilai untuk tahun 2024 dengan profil jatim
    Maka koperasi 3578000000000001 <hasil> tag memperoleh_legalitas

    Contoh:
      | tanggal        | hasil          |
      | 1 Januari 2024 | mendapat       |
      | 31 Des 2024    | mendapat       |
      | 31/12/2023     | tidak mendapat |
