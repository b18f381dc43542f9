"""The ready-made forms a library starts with, in Indonesian (they are the library's own data).

Each item: (section, statement, answer type, dimension, options).
"""

from __future__ import annotations

from typing import Any

LIKERT_LABELS = ["Sangat tidak setuju", "Tidak setuju", "Netral", "Setuju", "Sangat setuju"]

READY_FORMS: list[dict[str, Any]] = [
    {
        "title": "Umpan balik akhir sesi",
        "kind": "session",
        "introduction": "Beri tahu kami bagaimana sesi ini berjalan. Jawaban Anda anonim.",
        "items": [
            ("Materi", "Materi sesi ini relevan dengan pekerjaan saya.", "likert", "material", []),
            ("Materi", "Materi disusun runtut dan mudah dipahami.", "likert", "material", []),
            ("Materi", "Bahan (modul, salindia, lembar kerja) membantu saya belajar.", "likert", "material", []),
            (
                "Metode",
                "Metode (praktik, diskusi, studi kasus, bermain peran) membantu saya memahami.",
                "likert",
                "method",
                [],
            ),
            ("Metode", "Waktu untuk berlatih atau berdiskusi cukup.", "likert", "method", []),
            ("Fasilitas", "Ruang, komputer dan jaringan mendukung kegiatan.", "likert", "facilities", []),
            ("Secara umum", "Secara keseluruhan sesi ini bermanfaat.", "likert", "overall", []),
            ("Secara umum", "Apa yang paling bermanfaat dari sesi ini?", "long_text", "overall", []),
            ("Secara umum", "Apa yang perlu diperbaiki?", "long_text", "overall", []),
        ],
    },
    {
        "title": "Umpan balik untuk instruktur",
        "kind": "instructor",
        "introduction": "Pernyataan berikut diisi untuk setiap instruktur sesi ini.",
        "items": [
            ("Instruktur", "Instruktur menguasai materi.", "likert", "instructor", []),
            ("Instruktur", "Instruktur menyampaikan materi dengan jelas.", "likert", "instructor", []),
            ("Instruktur", "Instruktur mendorong peserta bertanya dan berdiskusi.", "likert", "instructor", []),
            ("Instruktur", "Instruktur mengelola waktu dengan baik.", "likert", "instructor", []),
            ("Instruktur", "Saran untuk instruktur", "short_text", "instructor", []),
        ],
    },
    {
        "title": "Umpan balik akhir angkatan",
        "kind": "cohort",
        "introduction": "Pelatihan sudah selesai. Bantu kami memperbaiki angkatan berikutnya.",
        "items": [
            ("Relevansi", "Pelatihan ini relevan dengan tugas saya di perpustakaan.", "likert", "relevance", []),
            ("Relevansi", "Saya yakin dapat menerapkan yang saya pelajari.", "likert", "application", []),
            ("Relevansi", "Saya berkomitmen menerapkannya dalam tiga bulan ke depan.", "likert", "application", []),
            (
                "Relevansi",
                "Modul mana yang paling berguna?",
                "single",
                "relevance",
                [
                    "Teknologi informasi",
                    "Pengelolaan koleksi",
                    "Layanan pemustaka",
                    "Promosi perpustakaan",
                    "Pendidikan informasi",
                ],
            ),
            ("Secara umum", "Secara keseluruhan pelatihan ini bermanfaat.", "likert", "overall", []),
            ("Secara umum", "Apa yang perlu diubah untuk angkatan berikutnya?", "long_text", "overall", []),
        ],
    },
    {
        "title": "Tindak lanjut: penerapan di tempat kerja (peserta)",
        "kind": "follow_up",
        "introduction": "Beberapa bulan setelah pelatihan: seberapa jauh Anda sudah menerapkannya?",
        "items": [
            (
                "Penerapan",
                "Saya menggunakan SLiMS/INLISLite untuk katalogisasi dan sirkulasi sesuai pelatihan.",
                "likert",
                "application",
                [],
            ),
            (
                "Penerapan",
                "Saya melayani pemustaka dengan langkah layanan prima (menyapa, mendengarkan, menutup).",
                "likert",
                "application",
                [],
            ),
            ("Penerapan", "Saya membuat atau membantu konten promosi perpustakaan.", "likert", "application", []),
            ("Penerapan", "Saya memandu kegiatan literasi informasi.", "likert", "application", []),
            ("Penerapan", "Apa yang menghambat Anda menerapkannya?", "long_text", "application", []),
        ],
    },
    {
        "title": "Tindak lanjut: pengamatan atasan",
        "kind": "supervisor",
        "introduction": "Anda diminta menilai penerapan hasil pelatihan oleh staf Anda. Tidak perlu akun.",
        "items": [
            (
                "Penerapan",
                "Staf ini menerapkan keterampilan otomasi perpustakaan dalam pekerjaannya.",
                "likert",
                "application",
                [],
            ),
            (
                "Penerapan",
                "Staf ini melayani pemustaka dengan lebih baik daripada sebelum pelatihan.",
                "likert",
                "application",
                [],
            ),
            ("Penerapan", "Staf ini ikut mempromosikan layanan perpustakaan.", "likert", "application", []),
            ("Penerapan", "Catatan atasan", "long_text", "application", []),
        ],
    },
]
