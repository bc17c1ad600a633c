# language: id
Fitur: Menghitung yang dihitung dokumen IKU, di provinsinya sendiri, dengan kata-katanya sendiri
  Angka IKU masuk ke LKjIP provinsi: hitungan yang salah lebih buruk daripada program yang berhenti.
  Legalitas hanya jenis yang disebut dokumen Jawa Timur; entitas provinsi lain di luar cakupan;
  aturan yang belum berlaku membuat indikator kosong, bukan 0; penyebut dari statistik tidak punya
  daftar anggota; nama, sasaran, formulasi, sumber data dan penanggung jawab dikutip dari dokumen;
  Halal hanya dari lembaga yang berwenang (isu 17, kontrak data v2).

  Skenario: Legalitas jenis lain ditolak dengan menyebut jenis yang diterima
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum |
      | 3578000000000001 | Kop A | 35.78        | 2010-01-01          |
      | 3578000000000002 | Kop B | 35.78        | 2010-01-01          |
      | 3578000000000003 | Kop C | 35.78        | 2010-01-01          |
    Dan tabel ukm:
      | nib           | nama    | kode_wilayah |
      | 1200000000001 | UD Sari | 35.07        |
    Dan tabel legalitas:
      | id_kukm          | tanggal    | jenis                    |
      | 3578000000000001 | 2024-02-01 | koperasi_baru            |
      | 3578000000000002 | 2024-02-01 | Tambah Unit Usaha        |
      | 1200000000001    | 2024-03-01 | ukm_menjadi_koperasi     |
      | 3578000000000003 | 2024-02-01 | perubahan_anggaran_dasar |
    Ketika dinilai untuk tahun 2024 dengan profil jatim
    Maka baris ditolak:
      | table     | row | column | alasan                                                                      |
      | legalitas | 5   | jenis  | jenis yang diterima: koperasi_baru, tambah_unit_usaha, ukm_menjadi_koperasi |
    Dan indikator jatim-2 bernilai 3
    Dan koperasi 3578000000000003 tidak mendapat tag memperoleh_legalitas

  Skenario: Entitas provinsi lain tidak dihitung, tidak ditolak, dan penjelasannya menyebutnya
    Dengan tabel koperasi:
      | nik              | nama         | kode_wilayah | tanggal_badan_hukum |
      | 3578000000000001 | Kop Surabaya | 35.78        | 2010-01-01          |
      | 3578000000000002 | Kop Malang   | 35.07        | 2010-01-01          |
      | 1571000000000001 | Kop Jambi    | 15.71        | 2010-01-01          |
      | 5171000000000001 | Kop Denpasar | 51.71        | 2010-01-01          |
    Dan tabel ukm:
      | nib           | nama       | kode_wilayah |
      | 5100000000001 | UD Bali    | 51.03        |
    Dan tabel rat:
      | nik              | tanggal_rat |
      | 3578000000000001 | 2024-03-01  |
      | 1571000000000001 | 2024-03-01  |
      | 5171000000000001 | 2024-03-01  |
    Ketika dinilai untuk tahun 2024 dengan profil jatim
    Maka tidak ada baris ditolak
    Dan indikator jatim-1 bernilai 50
    Dan penyebut indikator jatim-1 adalah 2
    Dan 2 entitas tabel koperasi di luar provinsi
    Dan 1 entitas tabel ukm di luar provinsi
    Dan penjelasan untuk koperasi 1571000000000001 memuat "di luar provinsi Jawa Timur (35): kode_wilayah 15.71"
    Dan penjelasan untuk koperasi 3578000000000001 tidak memuat "di luar provinsi"

  Skenario: Kode wilayah yang bukan kabupaten/kota provinsi mana pun ditolak
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum |
      | 3578000000000001 | Kop A | 35.78        | 2010-01-01          |
      | 3578000000000002 | Kop B | 35.99        | 2010-01-01          |
    Dan tabel ukm:
      | nib           | nama    | kode_wilayah |
      | 1200000000001 | UD Sari | 99.01        |
    Ketika dinilai untuk tahun 2024 dengan profil jatim
    Maka baris ditolak:
      | table    | row | column       | alasan                                                 |
      | koperasi | 3   | kode_wilayah | kode_wilayah 35.99 bukan kode kabupaten/kota yang dikenal |
      | ukm      | 2   | kode_wilayah | kode_wilayah 99.01 bukan kode kabupaten/kota yang dikenal |

  Skenario: jatim-1 tahun 2006 kosong, bukan 0: aturan aktif 22/2007 belum berlaku
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum |
      | 3578000000000001 | Kop A | 35.78        | 2000-01-01          |
    Dan tabel rat:
      | nik              | tanggal_rat |
      | 3578000000000001 | 2006-03-01  |
    Ketika dinilai untuk tahun 2006 dengan profil jatim
    Maka indikator jatim-1 tidak terdefinisi dengan alasan "aturan koperasi_aktif_22_2007 belum berlaku pada tahun 2006"

  Skenario: jambi-1 tahun 2015 kosong, bukan 0: aturan berkualitas belum berlaku
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum |
      | 1571000000000001 | Kop A | 15.71        | 2000-01-01          |
    Dan tabel rat:
      | nik              | tanggal_rat |
      | 1571000000000001 | 2013-03-01  |
      | 1571000000000001 | 2014-03-01  |
      | 1571000000000001 | 2015-03-01  |
    Dan tabel kinerja_koperasi:
      | nik              | tahun | volume_usaha | melayani_anggota | skor_kesehatan |
      | 1571000000000001 | 2015  | 1.000.000    | ya               | 85             |
    Ketika dinilai untuk tahun 2015 dengan profil jambi
    Maka koperasi 1571000000000001 mendapat tag aktif_25_2015
    Dan indikator jambi-1 tidak terdefinisi dengan alasan "aturan koperasi_berkualitas belum berlaku pada tahun 2015 (berlaku sejak 01-04-2016)"

  Skenario: Penyebut jatim-4 dari statistik: sumbernya disebut, entitas terdaftar bukan anggotanya
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum |
      | 3578000000000001 | Kop A | 35.78        | 2010-01-01          |
      | 3578000000000002 | Kop B | 35.78        | 2010-01-01          |
    Dan tabel fasilitasi:
      | id_kukm          | tahun | bidang |
      | 3578000000000001 | 2024  | usaha  |
    Dan tabel statistik:
      | nama        | tahun | nilai | sumber                 |
      | jumlah_kukm | 2024  | 1.000 | BPS Provinsi Jawa Timur |
    Ketika dinilai untuk tahun 2024 dengan profil jatim
    Maka indikator jatim-4 bernilai 0,1
    Dan penyebut indikator jatim-4 adalah 1000
    Dan penjelasan indikator jatim-4 memuat "statistik.csv baris 2; sumber: BPS Provinsi Jawa Timur"
    Dan penjelasan indikator jatim-4 memuat "Entitas dalam penyebut (0)"

  Skenario: Kata-kata dokumen IKU Jambi di samping rumus iku; yang tidak disebut dokumen dikatakan begitu
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum |
      | 1571000000000001 | Kop A | 15.71        | 2010-01-01          |
    Ketika dinilai untuk tahun 2024 dengan profil jambi
    Maka penjelasan indikator jambi-1 memuat "Formulasi (dokumen): (Jumlah koperasi sehat dan cukup sehat / jumlah koperasi aktif X 100%)"
    Dan penjelasan indikator jambi-1 memuat "Sumber data (dokumen): tidak disebutkan dalam dokumen IKU"
    Dan penjelasan indikator jambi-1 memuat "Penanggung jawab (dokumen): tidak disebutkan dalam dokumen IKU"
    Dan penjelasan indikator jambi-1 memuat "Jambi, Desember 2017"
    Dan penjelasan indikator jambi-4 memuat "Formulasi (dokumen): (Jumlah Aset UMKM binaan th n – (n-1) / Jumlah Aset UMKM binaan tahun n-1 X 100 %)"
    Dan penjelasan indikator jambi-5 memuat "Formulasi (dokumen): tidak disebutkan dalam dokumen IKU"
    Dan penjelasan indikator jambi-5 memuat "Rumus disimpulkan dengan analogi, tidak ada dalam dokumen"
    Dan penjelasan indikator jambi-1 memuat "baris omset memuat kriteria Koperasi Aktif Permen KUKM 25/2015"

  Skenario: Kata-kata dokumen IKU Jawa Timur: penanggung jawab dan sumber data seperti tertulis
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum |
      | 3578000000000001 | Kop A | 35.78        | 2010-01-01          |
    Ketika dinilai untuk tahun 2024 dengan profil jatim
    Maka penjelasan indikator jatim-3 memuat "Penanggung jawab (dokumen): Bidang Produksi dan Restrukturisasi Usaha"
    Dan penjelasan indikator jatim-4 memuat "Penanggung jawab (dokumen): Bidang Produksi dan Restrukturisasi Usaha"
    Dan penjelasan indikator jatim-1 memuat "Sumber data (dokumen): Laporan data kinerja koperasi se-Jawa Timur"
    Dan penjelasan indikator jatim-7 memuat "jatim-7 — Persentase peserta diklat yang lulus dengan predikat baik"

  Skenario konsep: Halal hanya dari lembaga yang berwenang, menurut tanggal terbit sertifikat
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum |
      | 3578000000000001 | Kop A | 35.78        | 2010-01-01          |
    Dan tabel ukm:
      | nib           | nama    | kode_wilayah |
      | 1200000000001 | UD Sari | 35.07        |
    Dan tabel standardisasi:
      | id_kukm       | standar   | lembaga   | tanggal_terbit |
      | 1200000000001 | <standar> | <lembaga> | <terbit>       |
    Ketika dinilai untuk tahun <n> dengan profil jatim
    Maka ukm 1200000000001 <hasil> tag terstandardisasi

    Contoh:
      | standar   | lembaga            | terbit     | n    | hasil          |
      | Halal     | BPJPH              | 2024-05-01 | 2024 | mendapat       |
      | Halal     | MUI                | 2019-10-16 | 2019 | mendapat       |
      | Halal     | MUI                | 2019-10-17 | 2019 | tidak mendapat |
      | Halal     | LPPOM Sumatera     | 2024-05-01 | 2024 | tidak mendapat |
      | ISO 9001  | Sucofindo          | 2024-05-01 | 2024 | mendapat       |
      | ISO 22000 | TUV Nord Indonesia | 2024-05-01 | 2024 | mendapat       |

  Skenario: Halal dari lembaga lain dibaca, tidak dihitung, dan penjelasannya menyebut alasannya
    Dengan tabel koperasi:
      | nik              | nama  | kode_wilayah | tanggal_badan_hukum |
      | 3578000000000001 | Kop A | 35.78        | 2010-01-01          |
    Dan tabel ukm:
      | nib           | nama    | kode_wilayah |
      | 1200000000001 | UD Sari | 35.07        |
    Dan tabel standardisasi:
      | id_kukm       | standar | lembaga        | tanggal_terbit |
      | 1200000000001 | Halal   | LPPOM Sumatera | 2024-05-01     |
    Ketika dinilai untuk tahun 2024 dengan profil jatim
    Maka tidak ada baris ditolak
    Dan ukm 1200000000001 tidak mendapat tag terstandardisasi
    Dan penjelasan untuk ukm 1200000000001 tentang tag terstandardisasi memuat "tidak ada sertifikat Halal tahun 2024 yang diterbitkan lembaga yang berwenang (BPJPH, Badan Penyelenggara Jaminan Produk Halal)"
    Dan indikator jatim-3 bernilai 0
