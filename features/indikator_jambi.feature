# language: id
Fitur: Indikator Kinerja Utama Dinas Koperasi dan UKM Provinsi Jambi
  Dasar: dokumen Indikator Kinerja Utama (IKU) Dinas Koperasi dan UKM Provinsi Jambi (Desember 2017),
  dikutip di rules/profiles/jambi.yaml. Mulai baris omset, kolom Formulasi Data dokumen turun satu
  baris; pasangan indikator dan rumus yang dipakai adalah yang sudah dikoreksi (catatan profil):
  jambi-1 koperasi berkualitas ÷ koperasi aktif (Permen KUKM 25/2015) × 100; jambi-2 pertumbuhan
  volume usaha koperasi; jambi-3, -4 pertumbuhan omset dan aset UMKM binaan; jambi-5 pertumbuhan
  tenaga kerja UMKM binaan (rumus disimpulkan dengan analogi, tidak ada dalam dokumen); jambi-6
  peserta diklat berpredikat baik ÷ peserta × 100.

  Latar Belakang:
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum |
      | 1571000000000001 | Kop A | 15.71        | 2010-01-01          |
      | 1571000000000002 | Kop B | 15.71        | 2010-01-01          |
    Dan tabel rat:
      | nik              | tanggal_rat |
      | 1571000000000001 | 2022-03-01  |
      | 1571000000000001 | 2023-03-01  |
      | 1571000000000001 | 2024-03-01  |
      | 1571000000000002 | 2022-03-01  |
      | 1571000000000002 | 2023-03-01  |
      | 1571000000000002 | 2024-03-01  |
    Dan tabel kinerja_koperasi:
      | nik              | tahun | volume_usaha | melayani_anggota | skor_kesehatan |
      | 1571000000000001 | 2023  | 2.000.000    | ya               |                |
      | 1571000000000001 | 2024  | 3.000.000    | ya               | 81,5           |
      | 1571000000000002 | 2024  | 1.000.000    | ya               | 60             |
    Dan tabel ukm:
      | nib           | nama    | kode_wilayah |
      | 1500000000001 | UD Jaya | 15.05        |
      | 1500000000002 | UD Maju | 15.05        |
    Dan tabel kinerja_ukm:
      | nib           | tahun | omset     | aset      | tenaga_kerja |
      | 1500000000001 | 2023  | 1.000.000 | 2.000.000 | 10           |
      | 1500000000001 | 2024  | 1.100.000 | 2.500.000 | 12           |
      | 1500000000002 | 2024  | 9.000.000 | 9.000.000 | 90           |
    Dan tabel fasilitasi:
      | id_kukm       | tahun | bidang |
      | 1500000000001 | 2024  | usaha  |
      | 1500000000002 | 2024  | usaha  |
    Dan tabel diklat:
      | id_peserta | tahun | skor |
      | J-1        | 2024  | 75   |
      | J-2        | 2024  | 70   |

  Skenario: Keenam indikator tahun 2024
    Ketika dinilai untuk tahun 2024 dengan profil jambi
    Maka indikator jambi-1 bernilai 50
    Dan pembilang indikator jambi-1 adalah 1
    Dan penyebut indikator jambi-1 adalah 2
    Dan indikator jambi-2 bernilai 50
    Dan indikator jambi-3 bernilai 10
    Dan indikator jambi-4 bernilai 25
    Dan indikator jambi-5 bernilai 20
    Dan indikator jambi-6 bernilai 50

  Skenario: Tanpa nilai tahun n, pertumbuhan tidak terdefinisi
    Ketika dinilai untuk tahun 2025 dengan profil jambi
    Maka indikator jambi-2 tidak terdefinisi dengan alasan "tidak ada anggota kohort"
    Dan indikator jambi-3 tidak terdefinisi dengan alasan "tidak ada anggota kohort"
