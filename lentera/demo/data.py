"""The demo's content: Perpustakaan Kota Pasuruan and its 2026 librarian training programme.

People are fictional; names, NIPs and units are plausible, not real.
"""

from dataclasses import dataclass
from typing import Any

DEMO_PASSWORD = "lentera-demo"  # noqa: S105 - published demo logins, exist only in demo data

LIBRARY: dict[str, Any] = {  # accounts.setup.library_create's keywords
    "slug": "kota-pasuruan",
    "name": "Perpustakaan Kota Pasuruan",
    "city": "Kota Pasuruan",
    "province": "Jawa Timur",
    "address": "Kota Pasuruan, Jawa Timur",
    "email": "perpustakaan@demo.lentera.id",
    "head_name": "Drs. Bambang Hariyanto, M.Si.",
    "head_nip": "196805121994031007",
    "population": 210_000,
    "kecamatan": ["Gadingrejo", "Purworejo", "Bugul Kidul", "Panggungrejo"],
}

# username, full name, email, NIP, functional level, work unit
COORDINATOR = (
    "koordinator",
    "Siti Rahmawati, S.Sos., M.IP.",
    "koordinator@demo.lentera.id",
    "197903152005012009",
    "Ahli Madya",
    "Bidang Layanan dan Pembinaan",
)
PARTNER = (
    "mitra",
    "Hendra Wijaya, S.Pd.",
    "mitra@demo.lentera.id",
    "",
    "Non-PNS",
    "SMA Negeri 2 Pasuruan (mitra sekolah)",
)
INSTRUCTORS = [
    (
        "instruktur",
        "Ahmad Fauzi, S.Kom.",
        "instruktur@demo.lentera.id",
        "198607222010011004",
        "Ahli Muda",
        "Seksi Otomasi dan Teknologi Informasi",
    ),
    (
        "dewi.lestari",
        "Dr. Dewi Lestari, S.IP., M.Hum.",
        "dewi.lestari@demo.lentera.id",
        "",
        "Non-PNS",
        "Dosen Ilmu Perpustakaan (instruktur tamu)",
    ),
    (
        "rina.marlina",
        "Rina Marlina, S.Sos.",
        "rina.marlina@demo.lentera.id",
        "198211042008012015",
        "Ahli Muda",
        "Seksi Layanan Sirkulasi",
    ),
]
PARTICIPANT_UNITS = [
    "Seksi Layanan Sirkulasi",
    "Seksi Layanan Referensi",
    "Seksi Pengolahan Bahan Pustaka",
    "Layanan Anak dan Remaja",
    "Perpustakaan Keliling",
    "Seksi Otomasi dan Teknologi Informasi",
    "Seksi Deposit dan Pelestarian",
    "Pojok Baca Kecamatan",
]
PARTICIPANT_NAMES = [
    ("peserta", "Nur Aini Fitriani, A.Md."),
    ("budi.santoso", "Budi Santoso"),
    ("sri.wahyuni", "Sri Wahyuni, S.IP."),
    ("eko.prasetyo", "Eko Prasetyo, S.Kom."),
    ("fitri.handayani", "Fitri Handayani, A.Md."),
    ("agus.setiawan", "Agus Setiawan"),
    ("lilik.suryani", "Lilik Suryani, S.Sos."),
    ("moch.arifin", "Moch. Arifin"),
    ("yuli.astuti", "Yuli Astuti, S.IP."),
    ("dedi.kurniawan", "Dedi Kurniawan, A.Md."),
    ("ratna.sari", "Ratna Sari Dewi"),
    ("hariyadi", "Hariyadi, S.E."),
    ("nurul.hidayah", "Nurul Hidayah, S.Pd."),
    ("slamet.riyadi", "Slamet Riyadi"),
    ("indah.permata", "Indah Permatasari, S.IP."),
    ("wahyu.hidayat", "Wahyu Hidayat, A.Md."),
    ("siti.maemunah", "Siti Maemunah"),
    ("rizky.ramadhan", "Rizky Ramadhan, S.Kom."),
    ("endang.susilowati", "Endang Susilowati, S.Sos."),
    ("fajar.nugroho", "Fajar Nugroho"),
    ("dian.puspita", "Dian Puspitasari, A.Md."),
    ("heru.wibowo", "Heru Wibowo, S.IP."),
    ("umi.kulsum", "Umi Kulsum"),
    ("taufik.hidayat", "Taufik Hidayat, S.E."),
    ("anisa.rahma", "Anisa Rahmawati, S.Hum."),
]
PARTICIPANT_LEVELS = ["Ahli Pertama", "Terampil", "Mahir", "Ahli Muda", "Penyelia", "Non-PNS"]

# key function number, title (local units; add the official SKKNI codes in the app)
COMPETENCIES = [
    (7, "Mengoperasikan sistem otomasi perpustakaan (SLiMS/INLISLite)"),
    (7, "Menelusur informasi melalui basis data dan sumber daring"),
    (1, "Melakukan seleksi dan pengadaan bahan perpustakaan"),
    (2, "Melakukan klasifikasi bahan perpustakaan dengan DDC"),
    (4, "Melakukan penyiangan dan perawatan koleksi"),
    (3, "Memberikan layanan sirkulasi dan referensi yang prima"),
    (3, "Menangani keluhan pemustaka"),
    (6, "Merencanakan promosi layanan perpustakaan melalui media sosial"),
    (6, "Menyelenggarakan kegiatan bersama komunitas"),
    (3, "Membimbing pemustaka menemukan dan menilai sumber informasi"),
    (5, "Membangun jejaring dan kerja sama profesional pustakawan"),
]


@dataclass(frozen=True)
class ProgrammePlan:
    year: int
    title: str
    description: str
    status: str


PROGRAMME = ProgrammePlan(
    year=2026,
    title="Pelatihan Pustakawan Perpustakaan Kota Pasuruan 2026",
    description=(
        "Program pelatihan tahunan agar pustakawan menjadi fasilitator informasi di era digital: "
        "terampil memakai teknologi informasi, menguasai sumber informasi digital dan konvensional, "
        "melayani pemustaka dengan prima, dan membangun kerja sama serta jejaring profesional. "
        "Metode: ceramah, diskusi kelompok, praktik langsung, studi kasus, simulasi dan bermain peran."
    ),
    status="active",
)

# code, title, description, competency indexes (into COMPETENCIES)
OBJECTIVES = [
    (
        "a",
        "Meningkatkan keterampilan teknologi informasi terkini",
        "Pustakawan mampu memakai perangkat lunak perpustakaan, basis data dan akses sistem informasi.",
        [0, 1],
    ),
    (
        "b",
        "Memperluas pengetahuan sumber informasi digital dan konvensional",
        "Pustakawan mengenal, mengelola dan menilai sumber informasi cetak maupun digital.",
        [1, 2, 3, 4, 9],
    ),
    (
        "c",
        "Meningkatkan keterampilan layanan pemustaka",
        "Pustakawan melayani dengan ramah, tepat dan tuntas, termasuk menangani keluhan.",
        [5, 6],
    ),
    (
        "d",
        "Mengembangkan kolaborasi dan jejaring profesional",
        "Pustakawan bekerja sama dengan sekolah, perguruan tinggi dan komunitas serta sesama pustakawan.",
        [7, 8, 10],
    ),
]

# order, title, summary, description, objective codes, competency indexes
MODULES = [
    (
        1,
        "Pemanfaatan Teknologi Informasi",
        "Perangkat lunak perpustakaan, basis data dan akses sistem informasi.",
        "Praktik langsung SLiMS/INLISLite: katalogisasi, sirkulasi dan laporan; penelusuran basis data "
        "daring (e-resources Perpusnas, iPusnas); keamanan data dan etika informasi.",
        ["a", "b"],
        [0, 1],
    ),
    (
        2,
        "Manajemen Koleksi",
        "Dari pengadaan sampai perawatan, termasuk klasifikasi.",
        "Kebijakan pengembangan koleksi, seleksi dan pengadaan, klasifikasi DDC dan tajuk subjek, "
        "penyiangan, serta perawatan dan pelestarian bahan perpustakaan.",
        ["b"],
        [2, 3, 4],
    ),
    (
        3,
        "Layanan Pelanggan",
        "Layanan prima di meja sirkulasi dan referensi.",
        "Komunikasi efektif, wawancara referensi, standar layanan, serta simulasi dan bermain peran "
        "menangani keluhan pemustaka.",
        ["c"],
        [5, 6],
    ),
    (
        4,
        "Promosi Layanan Perpustakaan",
        "Media sosial dan acara komunitas.",
        "Perencanaan promosi, kalender konten media sosial, kerja sama dengan sekolah dan komunitas, "
        "serta penyelenggaraan kegiatan literasi.",
        ["d"],
        [7, 8, 10],
    ),
    (
        5,
        "Pendidikan Informasi",
        "Membimbing pemustaka menemukan dan menilai sumber informasi.",
        "Literasi informasi: strategi penelusuran, evaluasi sumber (kredibilitas, hoaks), sitasi, dan "
        "merancang kelas literasi untuk pelajar dan masyarakat.",
        ["b", "c"],
        [1, 9],
    ),
]

# module order -> sessions: (title, method, minutes, outcomes, competency indexes, case study)
SESSION_PLANS: dict[int, list[tuple[str, str, int, str, list[int], str]]] = {
    1: [
        (
            "Pengantar otomasi perpustakaan",
            "lecture",
            90,
            "Menjelaskan modul-modul SLiMS/INLISLite\nMenjelaskan alur data katalog, anggota dan sirkulasi",
            [0],
            "",
        ),
        (
            "Praktik katalogisasi dan sirkulasi di SLiMS",
            "practice",
            180,
            "Membuat cantuman bibliografis\nMelayani peminjaman dan pengembalian\nMencetak laporan statistik",
            [0],
            "",
        ),
        (
            "Penelusuran basis data daring",
            "practice",
            135,
            "Menelusur e-resources Perpusnas dan iPusnas\nMenyusun strategi penelusuran dengan operator Boolean",
            [1],
            "",
        ),
        (
            "Keamanan data dan etika informasi",
            "discussion",
            90,
            "Menerapkan prinsip pelindungan data pribadi pemustaka\nMengenali risiko keamanan akun",
            [0],
            "",
        ),
    ],
    2: [
        (
            "Kebijakan pengembangan koleksi",
            "lecture",
            90,
            "Menyusun kriteria seleksi\nMemakai data peminjaman untuk pengadaan",
            [2],
            "",
        ),
        (
            "Klasifikasi DDC dan tajuk subjek",
            "practice",
            180,
            "Menentukan nomor kelas DDC\nMenentukan tajuk subjek yang tepat",
            [3],
            "",
        ),
        (
            "Penyiangan koleksi: studi kasus",
            "case_study",
            135,
            "Menerapkan kriteria penyiangan\nMenyusun berita acara penyiangan",
            [4],
            "Rak 600-an Perpustakaan Kota penuh. Separuh buku terbit sebelum 2005 dan jarang dipinjam, "
            "tetapi beberapa judul adalah koleksi muatan lokal Pasuruan. Susun usulan penyiangan dan "
            "jelaskan judul mana yang dipertahankan.",
        ),
    ],
    3: [
        (
            "Standar layanan prima",
            "lecture",
            90,
            "Menjelaskan standar layanan sirkulasi dan referensi\nMenerapkan etiket komunikasi",
            [5],
            "",
        ),
        (
            "Wawancara referensi",
            "discussion",
            90,
            "Menggali kebutuhan informasi pemustaka dengan pertanyaan terbuka",
            [5],
            "",
        ),
        (
            "Bermain peran: menangani keluhan pemustaka",
            "role_play",
            135,
            "Menyapa, mendengarkan, menjawab dengan tepat, dan menutup layanan dengan santun",
            [6],
            "",
        ),
    ],
    4: [
        (
            "Merencanakan promosi dan kalender konten",
            "practice",
            135,
            "Menyusun kalender konten media sosial satu bulan\nMenulis unggahan yang menarik",
            [7],
            "",
        ),
        (
            "Kerja sama dengan sekolah dan komunitas",
            "discussion",
            90,
            "Memetakan mitra potensial\nMerancang kegiatan bersama",
            [8, 10],
            "",
        ),
    ],
    5: [
        (
            "Literasi informasi dan evaluasi sumber",
            "lecture",
            90,
            "Menjelaskan kriteria kredibilitas sumber\nMengenali hoaks",
            [9],
            "",
        ),
        (
            "Simulasi kelas literasi untuk pelajar",
            "role_play",
            135,
            "Merancang dan memandu kelas literasi singkat untuk pelajar SMA",
            [9, 1],
            "",
        ),
    ],
}
