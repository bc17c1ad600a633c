# language: id
Fitur: Keputusan interpretasi yang dipakai iku
  Keputusan yang tidak tertulis tegas di peraturan dan dipilih agar dapat dipertahankan di depan
  auditor (kontrak data iku v1): tahun RAT mengikuti tanggal RAT; koperasi yang berbadan hukum pada
  tahun n masuk populasi tahun n; pertumbuhan hanya atas entitas yang punya nilai di kedua tahun, dan
  tidak terdefinisi bila jumlah tahun sebelumnya nol; indikator yang datanya tidak diserahkan tidak dapat
  dihitung dan tidak pernah dilaporkan 0.

  Skenario: RAT pada 1 Januari n+1 mengesahkan tahun buku n tetapi dihitung untuk tahun n+1
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum |
      | 3578000000000001 | Kop A | 35.78        | 2010-01-01          |
    Dan tabel rat:
      | nik              | tanggal_rat | tahun_buku |
      | 3578000000000001 | 2025-01-01  | 2024       |
    Ketika dinilai untuk tahun 2024 dengan profil jatim
    Maka koperasi 3578000000000001 tidak mendapat tag aktif_22_2007
    Dan penjelasan untuk koperasi 3578000000000001 memuat "tidak ada RAT pada tahun 2024"

  Skenario: Koperasi yang berbadan hukum pada tahun n sudah masuk populasi dan dapat aktif
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum |
      | 3578000000000001 | Kop A | 35.78        | 2024-11-30          |
    Dan tabel rat:
      | nik              | tanggal_rat |
      | 3578000000000001 | 2024-12-20  |
    Ketika dinilai untuk tahun 2024 dengan profil jatim
    Maka koperasi 3578000000000001 mendapat tag aktif_22_2007
    Dan indikator jatim-1 bernilai 100

  Skenario: Pertumbuhan dengan jumlah tahun sebelumnya nol tidak terdefinisi
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum |
      | 1571000000000001 | Kop A | 15.71        | 2010-01-01          |
    Dan tabel kinerja_koperasi:
      | nik              | tahun | volume_usaha |
      | 1571000000000001 | 2023  | 0            |
      | 1571000000000001 | 2024  | 5.000.000    |
    Ketika dinilai untuk tahun 2024 dengan profil jambi
    Maka indikator jambi-2 tidak terdefinisi dengan alasan "Σ2023 = 0"

  Skenario: Entitas tanpa nilai tahun sebelumnya dikecualikan dari kedua jumlah
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum |
      | 1571000000000001 | Kop A | 15.71        | 2010-01-01          |
      | 1571000000000002 | Kop B | 15.71        | 2010-01-01          |
    Dan tabel kinerja_koperasi:
      | nik              | tahun | volume_usaha |
      | 1571000000000001 | 2023  | 4.000.000    |
      | 1571000000000001 | 2024  | 5.000.000    |
      | 1571000000000002 | 2024  | 90.000.000   |
    Ketika dinilai untuk tahun 2024 dengan profil jambi
    Maka indikator jambi-2 bernilai 25
    Dan pembilang indikator jambi-2 adalah 1.000.000
    Dan penyebut indikator jambi-2 adalah 4.000.000
    Dan indikator jambi-2 bernilai 25,00
    Dan penjelasan indikator jambi-2 memuat "1 dikecualikan karena nilai 2023 atau 2024 tidak ada"
    Dan penjelasan indikator jambi-2 memuat "koperasi 1571000000000002 — Kop B"

  Skenario: Indikator Jawa Timur yang datanya tidak diserahkan tidak dapat dihitung, bukan nol
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum |
      | 3578000000000001 | Kop A | 35.78        | 2010-01-01          |
    Ketika dinilai untuk tahun 2024 dengan profil jatim
    Maka tidak ada baris ditolak
    Dan indikator jatim-1 tidak terdefinisi dengan alasan "data rat tidak tersedia"
    Dan indikator jatim-2 tidak terdefinisi dengan alasan "data legalitas tidak tersedia"
    Dan indikator jatim-3 tidak terdefinisi dengan alasan "data standardisasi tidak tersedia"
    Dan indikator jatim-4 tidak terdefinisi dengan alasan "data fasilitasi tidak tersedia"
    Dan indikator jatim-5 tidak terdefinisi dengan alasan "data fasilitasi, pembiayaan tidak tersedia"
    Dan indikator jatim-6 tidak terdefinisi dengan alasan "data fasilitasi tidak tersedia"
    Dan indikator jatim-7 tidak terdefinisi dengan alasan "data diklat tidak tersedia"

  Skenario: Indikator Jambi yang datanya tidak diserahkan tidak dapat dihitung, bukan nol
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum |
      | 1571000000000001 | Kop A | 15.71        | 2010-01-01          |
    Ketika dinilai untuk tahun 2024 dengan profil jambi
    Maka indikator jambi-1 tidak terdefinisi dengan alasan "data rat, kinerja_koperasi tidak tersedia"
    Dan indikator jambi-2 tidak terdefinisi dengan alasan "data kinerja_koperasi tidak tersedia"
    Dan indikator jambi-3 tidak terdefinisi dengan alasan "data fasilitasi, kinerja_ukm tidak tersedia"
    Dan indikator jambi-4 tidak terdefinisi dengan alasan "data fasilitasi, kinerja_ukm tidak tersedia"
    Dan indikator jambi-5 tidak terdefinisi dengan alasan "data fasilitasi, kinerja_ukm tidak tersedia"
    Dan indikator jambi-6 tidak terdefinisi dengan alasan "data diklat tidak tersedia"
