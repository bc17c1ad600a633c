# language: id
Fitur: Definisi koperasi aktif menurut peraturan yang berlaku pada tahun n
  Sampai 16 September 2015 berlaku Permenkop UKM 22/2007 (RAT setidaknya sekali pada tahun n);
  sejak 17 September 2015 berlaku Permen KUKM 25/2015 Pasal 1 angka 3. iku memakai versi aturan
  yang berlaku pada 31 Desember tahun n.

  Latar Belakang:
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum |
      | 3578000000000001 | Kop A | 35.78        | 2001-01-01          |

  Skenario konsep: Koperasi yang hanya RAT pada tahun n
    Dengan tabel rat:
      | nik              | tanggal_rat   |
      | 3578000000000001 | <tahun>-03-01 |
    Ketika dinilai untuk tahun <tahun> dengan profil jatim
    Maka koperasi 3578000000000001 <hasil> tag aktif_peraturan_berlaku

    Contoh:
      | tahun | hasil          |
      | 2014  | mendapat       |
      | 2016  | tidak mendapat |

  Skenario konsep: Koperasi yang sudah bubar tidak aktif menurut peraturan mana pun
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum | tanggal_bubar |
      | 3578000000000002 | Kop B | 35.78        | 2001-01-01          | 2013-06-30    |
    Dan tabel rat:
      | nik              | tanggal_rat   |
      | 3578000000000002 | <tahun>-03-01 |
    Ketika dinilai untuk tahun <tahun> dengan profil jatim
    Maka koperasi 3578000000000002 tidak mendapat tag aktif_peraturan_berlaku
    Dan penjelasan untuk koperasi 3578000000000002 tentang tag aktif_peraturan_berlaku memuat "<versi>"

    Contoh:
      | tahun | versi                                                |
      | 2014  | versi 1 (berlaku 16-04-2007 s.d. 16-09-2015)         |
      | 2016  | versi 2 (berlaku sejak 17-09-2015)                   |

  Skenario konsep: Koperasi tanpa RAT pada tahun n
    Ketika dinilai untuk tahun <tahun> dengan profil jatim
    Maka koperasi 3578000000000001 tidak mendapat tag aktif_peraturan_berlaku

    Contoh:
      | tahun |
      | 2014  |
      | 2016  |

  Skenario: Menurut Permen KUKM 25/2015 koperasi aktif memenuhi tiga tahun RAT dan usaha
    Dengan tabel rat:
      | nik              | tanggal_rat |
      | 3578000000000001 | 2014-03-01  |
      | 3578000000000001 | 2015-03-01  |
      | 3578000000000001 | 2016-03-01  |
    Dan tabel kinerja_koperasi:
      | nik              | tahun | volume_usaha | melayani_anggota |
      | 3578000000000001 | 2016  | 1.000.000    | ya               |
    Ketika dinilai untuk tahun 2016 dengan profil jatim
    Maka koperasi 3578000000000001 mendapat tag aktif_peraturan_berlaku
    Dan penjelasan untuk koperasi 3578000000000001 tentang tag aktif_peraturan_berlaku memuat "versi 2 (berlaku sejak 17-09-2015)"
