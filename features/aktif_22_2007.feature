# language: id
Fitur: Koperasi aktif menurut Permenkop UKM 22/2007
  Koperasi dalam populasi tahun n yang menyelenggarakan RAT setidaknya sekali pada tahun n
  (Permenkop UKM No. 22/PER/M.KUKM/IV/2007, aspek badan usaha aktif; UU 25/1992 Pasal 26 ayat 1).
  RAT dihitung pada tahun kalender tanggal RAT diselenggarakan.

  Latar Belakang:
    Dengan tabel koperasi:
      | nik              | nama    | kode_wilayah | tanggal_badan_hukum | tanggal_bubar |
      | 3578000000000001 | Kop A   | 35.78        | 2010-01-01          |               |
      | 3578000000000002 | Kop B   | 35.07        | 2010-01-01          | 2023-06-30    |

  Skenario konsep: Tanggal RAT di batas tahun
    Dengan tabel rat:
      | nik              | tanggal_rat |
      | 3578000000000001 | <tanggal>   |
    Ketika dinilai untuk tahun 2024 dengan profil jatim
    Maka koperasi 3578000000000001 <hasil> tag aktif_22_2007

    Contoh:
      | tanggal         | hasil          |
      | 31 Desember 2024 | mendapat      |
      | 1 Januari 2024   | mendapat      |
      | 31/12/2023       | tidak mendapat |
      | 01/01/2025       | tidak mendapat |

  Skenario: Dua RAT dalam satu tahun tetap satu koperasi aktif
    Dengan tabel rat:
      | nik              | tanggal_rat |
      | 3578000000000001 | 2024-02-01  |
      | 3578000000000001 | 2024-06-01  |
    Ketika dinilai untuk tahun 2024 dengan profil jatim
    Maka koperasi 3578000000000001 mendapat tag aktif_22_2007
    Dan indikator jatim-1 bernilai 100

  Skenario: Koperasi yang sudah bubar tidak dihitung walaupun masih RAT
    Dengan tabel rat:
      | nik              | tanggal_rat |
      | 3578000000000002 | 2024-02-01  |
    Ketika dinilai untuk tahun 2024 dengan profil jatim
    Maka koperasi 3578000000000002 tidak mendapat tag aktif_22_2007
    Dan penjelasan untuk koperasi 3578000000000002 tentang tag aktif_22_2007 memuat "tidak termasuk populasi koperasi tahun 2024"
