"""Sentence segmentation on Indonesian news text: exact sentence lists, and nothing lost."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.text.segment import split_sentences

# Each case is the expected sentence list; the paragraph is them joined with spaces.
CASES = [
    # --- abbreviations: addresses, money, titles, ranks
    pytest.param(
        [
            "Gedung itu terletak di Jl. M.H. Thamrin No. 9, Jakarta Pusat.",
            "Renovasinya selesai tahun lalu.",
        ],
        id="address-jl-no",
    ),
    pytest.param(
        [
            "Pemerintah mengalokasikan Rp. 5,2 triliun untuk subsidi pupuk.",
            "Dana cair pekan depan.",
        ],
        id="rp-with-dot-and-decimal",
    ),
    pytest.param(
        [
            "Seminar itu menghadirkan Prof. Dr. Emil Salim sebagai pembicara utama.",
            "Ia membahas perubahan iklim.",
        ],
        id="prof-dr",
    ),
    pytest.param(
        ["Pasien ditangani dr. Lula Kamal di ruang IGD.", "Kondisinya stabil."],
        id="lowercase-dr",
    ),
    pytest.param(
        [
            "Rombongan jemaah dipimpin H. Muhammad Yusuf dan Hj. Aisyah Rahman.",
            "Mereka berangkat dari Embarkasi Solo.",
        ],
        id="haji-hajah",
    ),
    pytest.param(
        [
            "Proyek itu dikerjakan Ir. Sutami Wibowo bersama Drs. Ahmad Fauzi.",
            "Nilainya mencapai Rp1,2 miliar.",
        ],
        id="ir-drs",
    ),
    pytest.param(
        ["Saham PT Unilever Indonesia Tbk. melemah 1,5 persen.", "Investor menunggu laporan laba."],
        id="tbk-before-verb",
    ),
    pytest.param(
        ["Kontrak diteken bersama PT Freeport Indonesia dan Rio Tinto Pty. Ltd. pada 2018."],
        id="pty-ltd-inside",
    ),
    pytest.param(
        ["Kontrak diteken bersama anak usaha Rio Tinto Pty. Ltd.", "Nilainya tidak diumumkan."],
        id="ltd-ends-sentence",
    ),
    pytest.param(
        [
            "Bantuan berupa beras, minyak goreng, gula, dll. dibagikan kepada warga.",
            "Penyaluran berlangsung tertib.",
        ],
        id="dll-lowercase-continuation",
    ),
    pytest.param(
        ["Pasar itu menjual pakaian, sepatu, tas, dsb.", "Pengunjung ramai saat akhir pekan."],
        id="dsb-ends-sentence",
    ),
    pytest.param(
        ["Studi Wibowo dkk. menunjukkan hasil serupa.", "Temuan tsb. dipublikasikan pada 2021."],
        id="dkk-tsb",
    ),
    pytest.param(
        [
            "Transfer dilakukan ke rekening a.n. Panitia Zakat Masjid Raya.",
            "Batas akhir 10 s.d. 15 April.",
        ],
        id="an-sd",
    ),
    pytest.param(
        [
            "Warga Kab. Bogor, Kec. Cibinong, Kel. Pakansari diminta waspada.",
            "Hujan deras diperkirakan turun sore ini.",
        ],
        id="kab-kec-kel",
    ),
    pytest.param(
        [
            "Undangan ditujukan kepada Sdr. Andi dan Bpk. Hartono.",
            "Keduanya dijadwalkan hadir.",
        ],
        id="sdr-bpk",
    ),
    pytest.param(
        [
            "Tn. Robert dan Ny. Susan menginap di hotel St. Regis.",
            "Mereka berlibur selama sepekan.",
        ],
        id="tn-ny-st",
    ),
    pytest.param(
        [
            "Kapolda Metro Jaya Irjen. Pol. Fadil Imran memimpin apel siaga.",
            "Sebanyak 5.000 personel disiagakan.",
        ],
        id="irjen-pol",
    ),
    pytest.param(
        [
            "Pangdam Jaya Mayjen. TNI Untung Budiharto dan Kol. Inf. Dwi Sasongko hadir.",
            "Acara berlangsung khidmat.",
        ],
        id="military-ranks",
    ),
    pytest.param(
        [
            "Upacara dipimpin Letjen. TNI Agus Subiyanto.",
            "AKBP Ade Ary dan AKP Rizky mengawal jalannya acara.",
        ],
        id="letjen-akbp-akp",
    ),
    pytest.param(
        [
            "Penghargaan diserahkan kepada Andi Pratama, S.H., M.Si. di Jakarta.",
            "Ia dinilai berjasa dalam reformasi birokrasi.",
        ],
        id="academic-degrees",
    ),
    pytest.param(
        ["Sidang dipimpin hakim Budi Santoso, S.H.", "Terdakwa hadir didampingi pengacaranya."],
        id="degree-ends-sentence",
    ),
    # --- initials
    pytest.param(
        ["B. J. Habibie lahir di Parepare pada 1936.", "Ia menjadi presiden ketiga Indonesia."],
        id="initials-spaced",
    ),
    pytest.param(
        ["Kunjungan Susilo B. Yudhoyono disambut meriah warga.", "Ia tiba dengan helikopter."],
        id="middle-initial",
    ),
    pytest.param(
        ["Wakil Presiden K.H. Ma'ruf Amin membuka muktamar.", "Ribuan peserta hadir."],
        id="dotted-initials",
    ),
    pytest.param(
        ["Indonesia berada di Grup B.", "Pertandingan pertama melawan Jepang."],
        id="group-letter-ends-sentence",
    ),
    # --- numbers, dates and times
    pytest.param(
        ["Inflasi Mei tercatat 4,11 persen secara tahunan.", "Angka itu sesuai perkiraan."],
        id="decimal-comma",
    ),
    pytest.param(
        [
            "Harga beras medium Rp1.022,6 per kilogram di 2.000 titik pantau.",
            "Data dihimpun Badan Pangan Nasional.",
        ],
        id="thousands-and-decimal",
    ),
    pytest.param(
        ["Jumlah pengungsi mencapai 2.000.", "Sebagian besar adalah anak-anak."],
        id="number-ends-sentence",
    ),
    pytest.param(
        [
            "Presiden tiba di Bandara Kualanamu pukul 19.30 WIB.",
            "Ia langsung menuju Istana Maimun.",
        ],
        id="time-wib",
    ),
    pytest.param(
        [
            "Hal itu disampaikan Kepala BNPB di Jakarta, Rabu (18/6).",
            "Ia meminta pemda bersiaga.",
        ],
        id="date-in-brackets",
    ),
    pytest.param(
        ["Sebanyak 3 orang tewas.", "12 lainnya luka-luka."],
        id="next-sentence-starts-with-digit",
    ),
    # --- quotes
    pytest.param(
        ['"Kami siap," kata dia.', "Latihan terakhir digelar sore ini."],
        id="quote-comma-attribution",
    ),
    pytest.param(
        ['"Ini sudah final."', "Dia lalu pergi."],
        id="quote-closes-after-full-stop",
    ),
    pytest.param(
        [
            "Pernyataan itu dibantah Beijing.",
            '"Tiongkok tidak pernah mengancam negara mana pun," kata Hua.',
        ],
        id="opening-quote-starts-sentence",
    ),
    pytest.param(
        ['"Situasi sudah terkendali.', 'Warga bisa kembali," kata Kapolres.'],
        id="sentences-inside-one-quotation",
    ),
    pytest.param(
        ["Juru bicara itu menegaskan posisi negaranya.", '"Tidak ada kompromi," kata Hua."'],
        id="quote-ends-paragraph",
    ),
    pytest.param(
        ['"Kapan jalan ini diperbaiki?" tanya seorang warga.', "Petugas berjanji menindaklanjuti."],
        id="question-in-quote-then-lowercase",
    ),
    pytest.param(
        ["\u201cKami siap bertanding.\u201d", "Pelatih itu lalu meninggalkan ruang konferensi."],
        id="curly-quotes",
    ),
    # --- ellipses
    pytest.param(
        ["Dia menatap layar itu lama...", "Lalu ia menangis."],
        id="ellipsis-then-capital",
    ),
    pytest.param(
        ['"Saya kira... ya, mungkin begitu," ujarnya.'],
        id="ellipsis-then-lowercase",
    ),
    pytest.param(
        ["Pengungsi butuh selimut, obat, makanan\u2026", "Bantuan belum juga datang."],
        id="unicode-ellipsis",
    ),
    # --- question and exclamation marks
    pytest.param(
        ["Mengapa jembatan itu ambruk?", "Tim ahli masih melakukan penyelidikan."],
        id="question-mark",
    ),
    pytest.param(
        ["Merdeka!", "Teriakan itu menggema di seluruh lapangan."],
        id="exclamation-mark",
    ),
    # --- web addresses
    pytest.param(
        ["Kabar itu pertama dilaporkan Kompas.com pada Senin.", "Polisi membenarkannya."],
        id="domain-inside-sentence",
    ),
    pytest.param(
        ["Demikian dikutip dari detik.com.", "Berita selengkapnya di laman tersebut."],
        id="domain-ends-sentence",
    ),
    pytest.param(
        [
            "Pengaduan bisa dikirim ke humas@jakarta.go.id atau www.jakarta.go.id.",
            "Semua laporan dijawab dalam 3 hari.",
        ],
        id="email-and-url",
    ),
    # --- numbered lists and credit lines
    pytest.param(
        ["1. Siapkan dokumen kependudukan.", "2. Datang ke kantor kelurahan."],
        id="numbered-list",
    ),
    pytest.param(
        ["Syaratnya: 1. KTP asli.", "2. Surat keterangan domisili."],
        id="inline-numbered-list",
    ),
    pytest.param(
        ["Pemeriksaan saksi dilanjutkan pekan depan.", "(ant)"],
        id="credit-line",
    ),
]


@pytest.mark.parametrize("expected", CASES)
def test_splits_news_paragraph_into_expected_sentences(expected: list[str]) -> None:
    assert split_sentences(" ".join(expected)) == expected


def test_irregular_whitespace_is_normalised_in_the_sentences() -> None:
    paragraph = "  Harga cabai naik.\tWarga mengeluh.\n Pedagang  juga rugi.  "
    assert split_sentences(paragraph) == [
        "Harga cabai naik.",
        "Warga mengeluh.",
        "Pedagang juga rugi.",
    ]


@pytest.mark.parametrize("paragraph", ["", "   ", "\n"])
def test_empty_paragraph_has_no_sentences(paragraph: str) -> None:
    assert split_sentences(paragraph) == []


_PIECES = st.sampled_from(
    [
        "Presiden",
        "harga",
        "Rp.",
        "Rp1.022,6",
        "Jl.",
        "No.",
        "Dr.",
        "dr.",
        "B.",
        "dll.",
        "Tbk.",
        "(18/6).",
        "19.30",
        "WIB.",
        '"Kami',
        'siap,"',
        'final."',
        "...",
        "\u2026",
        "?",
        "!",
        "kata",
        "Dia",
        "1.",
        "Kompas.com.",
        "(ant)",
        ".",
        '"',
    ]
)
_SPACES = st.sampled_from([" ", "  ", "\n", "\t", "\u00a0"])


@given(st.lists(st.tuples(_PIECES, _SPACES), max_size=40))
def test_joining_sentences_gives_back_the_paragraph(parts: list[tuple[str, str]]) -> None:
    paragraph = "".join(piece + space for piece, space in parts)
    sentences = split_sentences(paragraph)
    assert " ".join(sentences) == " ".join(paragraph.split())
    assert all(s and s == s.strip() for s in sentences)


@given(st.text(max_size=200))
def test_joining_sentences_gives_back_any_text(paragraph: str) -> None:
    sentences = split_sentences(paragraph)
    assert " ".join(sentences) == " ".join(paragraph.split())
    assert all(sentences)
