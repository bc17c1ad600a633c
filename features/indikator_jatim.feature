# language: id
Fitur: Indikator Kinerja Utama Dinas Koperasi, Usaha Kecil dan Menengah Provinsi Jawa Timur
  Dasar: dokumen Indikator Kinerja Utama (IKU) Dinas Koperasi, Usaha Kecil dan Menengah Provinsi Jawa
  Timur, dikutip di rules/profiles/jatim.yaml (kontrak data iku v2).
  jatim-1 koperasi aktif (Permenkop UKM 22/2007) ÷ populasi × 100; jatim-2 jumlah KUKM berlegalitas;
  jatim-3 jumlah KUKM terstandardisasi; jatim-4 KUKM dibina ÷ Σ KUKM × 100; jatim-5 KUKM dibina yang
  mengajukan pembiayaan ÷ KUKM dibina × 100; jatim-6 pertumbuhan omset KUKM yang difasilitasi
  pemasarannya; jatim-7 peserta diklat berpredikat baik ÷ peserta × 100.

  Latar Belakang:
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | kab_kota      | tanggal_badan_hukum | tanggal_bubar |
      | 3578000000000001 | Kop A | 35.78        | Kota Surabaya | 2010-01-01          |               |
      | 3578000000000002 | Kop B | 35.78        | Kota Surabaya | 2010-01-01          |               |
      | 3578000000000003 | Kop C | 35.07        | Kab Malang    | 2010-01-01          |               |
      | 3578000000000004 | Kop D | 35.07        | Kab Malang    | 2010-01-01          | 2022-01-01    |
    Dan tabel ukm:
      | nib           | nama    | kode_wilayah |
      | 1200000000001 | UD Sari | 35.07        |
    Dan tabel rat:
      | nik              | tanggal_rat |
      | 3578000000000001 | 2024-03-01  |
      | 3578000000000004 | 2024-03-01  |
    Dan tabel kinerja_koperasi:
      | nik              | tahun | volume_usaha |
      | 3578000000000001 | 2023  | 1.000.000    |
      | 3578000000000001 | 2024  | 1.500.000    |
    Dan tabel kinerja_ukm:
      | nib           | tahun | omset   | aset    | tenaga_kerja |
      | 1200000000001 | 2023  | 500.000 | 100.000 | 4            |
      | 1200000000001 | 2024  | 500.000 | 100.000 | 5            |
    Dan tabel fasilitasi:
      | id_kukm          | tahun | bidang    |
      | 3578000000000001 | 2024  | pemasaran |
      | 1200000000001    | 2024  | pemasaran |
      | 3578000000000002 | 2024  | usaha     |
    Dan tabel pembiayaan:
      | id_kukm          | tanggal_pengajuan |
      | 3578000000000002 | 2024-05-05        |
    Dan tabel legalitas:
      | id_kukm          | tanggal    | jenis         |
      | 3578000000000003 | 2024-02-02 | koperasi_baru |
      | 1200000000001    | 2023-02-02 | koperasi_baru |
    Dan tabel standardisasi:
      | id_kukm       | standar | lembaga | tanggal_terbit |
      | 1200000000001 | Halal   | BPJPH   | 2024-02-02     |
    Dan tabel diklat:
      | id_peserta | tahun | skor  |
      | P-1        | 2024  | 75    |
      | P-2        | 2024  | 74,99 |
      | P-3        | 2024  | 80    |
      | P-4        | 2024  | 60    |

  Skenario: Ketujuh indikator tahun 2024
    Ketika dinilai untuk tahun 2024 dengan profil jatim
    Maka indikator jatim-1 bernilai 33,33
    Dan pembilang indikator jatim-1 adalah 1
    Dan penyebut indikator jatim-1 adalah 3
    Dan indikator jatim-2 bernilai 1
    Dan indikator jatim-3 bernilai 1
    Dan indikator jatim-4 bernilai 75
    Dan penyebut indikator jatim-4 adalah 4
    Dan indikator jatim-5 bernilai 33,33
    Dan indikator jatim-6 bernilai 33,33
    Dan indikator jatim-7 bernilai 50

  Skenario: Jumlah KUKM dari statistik bila dinyatakan
    Dengan tabel statistik:
      | nama        | tahun | nilai | sumber                     |
      | jumlah_kukm | 2024  | 1.000 | BPS Provinsi Jawa Timur    |
    Ketika dinilai untuk tahun 2024 dengan profil jatim
    Maka indikator jatim-4 bernilai 0,3
    Dan penyebut indikator jatim-4 adalah 1000

  Skenario: Data yang tidak ada membuat indikator tidak terdefinisi, bukan nol
    Ketika dinilai untuk tahun 2022 dengan profil jatim
    Maka indikator jatim-7 tidak terdefinisi dengan alasan "penyebut nol"
    Dan indikator jatim-5 tidak terdefinisi dengan alasan "penyebut nol"
    Dan indikator jatim-6 tidak terdefinisi dengan alasan "tidak ada anggota kohort"
