# language: id
Fitur: Contoh skenario yang ditulis staf kebijakan tanpa kode baru
  Berkas ini ditulis hanya dengan langkah yang sudah ada di pustaka langkah (tests/steps/common.py):
  tabel data dengan nama kolom kontrak, "Ketika dinilai ...", lalu tag, indikator dan penjelasan.
  Tidak ada kode Python yang ditambahkan untuknya.

  Skenario: Koperasi simpan pinjam di Kota Jambi yang sehat, aktif dan berkualitas
    Dengan tabel koperasi:
      | nik              | nama                  | kode_wilayah | kab_kota   | jenis | tanggal_badan_hukum |
      | 1571000000000777 | KSP Sejahtera Bersama | 15.71        | Kota Jambi | KSP   | 12 Maret 2005       |
    Dan tabel rat:
      | nik              | tanggal_rat     |
      | 1571000000000777 | 20 Februari 2022 |
      | 1571000000000777 | 18 Maret 2023    |
      | 1571000000000777 | 5 Agt 2024       |
    Dan tabel kinerja_koperasi:
      | nik              | tahun | volume_usaha        | melayani_anggota | skor_kesehatan |
      | 1571000000000777 | 2023  | Rp 1.200.000.000,00 | ya               | 78,25          |
      | 1571000000000777 | 2024  | Rp 1.500.000.000,00 | ya               | 82,10          |
    Ketika dinilai untuk tahun 2024 dengan profil jambi
    Maka koperasi 1571000000000777 mendapat tag aktif_25_2015
    Dan koperasi 1571000000000777 mendapat tag sehat
    Dan koperasi 1571000000000777 mendapat tag berkualitas
    Dan indikator jambi-1 bernilai 100
    Dan indikator jambi-2 bernilai 25
    Dan penjelasan untuk koperasi 1571000000000777 tentang tag sehat memuat "kinerja_koperasi.csv baris 3"
