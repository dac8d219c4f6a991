"""Indonesian numbers, amounts and dates against their English translations."""

from __future__ import annotations

import pytest

from app.text.numbers import english_mentions, indonesian_mentions, missing_numbers

# Correct translations: whatever form the English takes, nothing is missing.
SAME = [
    ("Anggaran Rp1,2 triliun disetujui.", "A budget of IDR 1.2 trillion was approved."),
    ("Anggaran Rp1,2 triliun disetujui.", "A budget of Rp 1.2 trillion was approved."),
    ("Anggaran Rp1,2 triliun disetujui.", "A budget of 1,200,000,000,000 rupiah was approved."),
    ("Anggaran Rp1.200 miliar disetujui.", "A budget of Rp1.2 trillion was approved."),
    ("Rupiah melemah ke Rp14.500 per dolar AS.", "The rupiah weakened to 14,500 per US dollar."),
    ("Ia divonis 3 tahun penjara.", "He was sentenced to 3 years in prison."),
    ("Ia divonis tiga tahun penjara.", "He was sentenced to three years in prison."),
    ("Dibacakan pada 17 Agustus 1945.", "It was read on August 17, 1945."),
    ("Dibacakan pada 17 Agustus 1945.", "It was read on 17 August 1945."),
    ("Nilainya 1.234,5 ton.", "Its value is 1,234.5 tonnes."),
    ("Inflasi 4,97 persen.", "Inflation was 4.97%."),
    ("Harga naik US$0,90.", "The price rose US$0.90."),
    ("Harga naik US$0,90.", "The price rose $0.9."),
    ("Ekspor US$4,2 miliar.", "Exports of $4.2bn."),
    ("Sebanyak 2 juta dosis tiba.", "Two million doses arrived."),
    ("Dua puluh lima orang hadir.", "Twenty-five people attended."),
    ("Sekitar seribu orang hadir.", "About a thousand people attended."),
    ("Rapat dimulai pukul 14.00 WIB.", "The meeting began at 2 pm WIB."),
    ("Rapat dimulai pukul 10.30 WIB.", "The meeting began at 10:30 WIB."),
    ("KPK menyita Rp 2,3 M.", "The KPK seized Rp 2.3 billion."),
    ("Subsidi Rp502,4 T.", "Subsidies of Rp502.4 trillion."),
    ("Menang 2-0 di kandang.", "Won 2-0 at home."),
    ("Peringkat ke-3 dunia.", "Ranked 3rd in the world."),
    ("Salah satu tersangka kabur.", "One of the suspects escaped."),
    ("Kedua belah pihak sepakat.", "Both sides agreed."),
    ("Polisi memeriksa satu per satu.", "Police checked one by one."),
    ("Harga naik dua kali lipat.", "Prices doubled."),
    ("Pada tahun 1990-an.", "In the 1990s."),
    ("Kasus COVID-19 naik.", "COVID-19 cases rose."),
    ("Rupiah di Rp14.500.", "Rupiah at Rp14.500."),  # the model kept the source's format
    ("Minggu (18/6), ia tiba.", "On Sunday (June 18), he arrived."),
    ("Minggu (18/6), ia tiba.", "On Sunday (18/6), he arrived."),
    ("Dana satu juta rupiah.", "A fund of one million rupiah."),
    ("Ia satu-satunya saksi.", "He is the only witness."),
    ("Harga Rp5.000,- per porsi.", "Price Rp5,000 per serving."),
    ("Buka pukul 07.00-09.00 WIB.", "Open from 7:00 to 9:00 WIB."),
    ("Harga Rp100 ribu-Rp200 ribu.", "Prices of Rp100,000-Rp200,000."),
]

# Corrupted translations: what is missing, as the source wrote it.
LOST = [
    ("Anggaran Rp1,2 triliun disetujui.", "A budget was approved.", ["Rp1,2 triliun"]),
    ("Anggaran Rp1,2 triliun disetujui.", "A budget of Rp1.2 billion.", ["Rp1,2 triliun"]),
    ("Anggaran Rp1,2 triliun disetujui.", "A budget of Rp12 trillion.", ["Rp1,2 triliun"]),
    ("Rupiah melemah ke Rp14.500.", "The rupiah weakened to Rp14.5.", ["Rp14.500"]),
    ("Ia divonis 3 tahun penjara.", "He was sentenced to prison.", ["3"]),
    ("Ia divonis tiga tahun penjara.", "He got four years in prison.", ["tiga"]),
    ("Dibacakan pada 17 Agustus 1945.", "It was read on August 7, 1945.", ["17"]),
    ("Dibacakan pada 17 Agustus 1945.", "It was read on July 17, 1945.", ["17 Agustus"]),
    ("Harga naik US$0,90 ke US$812,50.", "The price rose to US$812.50.", ["US$0,90"]),
    ("Inflasi 4,97 persen.", "Inflation was 4.79 percent.", ["4,97 persen"]),
    ("Sebanyak 40 ribu orang.", "Some 40 people.", ["40 ribu"]),
    ("Sebanyak 2 juta dosis.", "Some 2,000 doses.", ["2 juta"]),
    ("Rapat dimulai pukul 10.30 WIB.", "The meeting began at 10:00 WIB.", ["10.30"]),
    ("Skor 2-0 dan 3-1.", "Scores of 2-0 and 3-0.", ["1"]),
    ("Minggu (18/6), ia tiba.", "On Sunday (July 18), he arrived.", ["6"]),
    ("Dana satu juta rupiah.", "A fund of rupiah.", ["satu juta"]),
]


@pytest.mark.parametrize(("source", "translation"), SAME)
def test_a_faithful_translation_loses_nothing(source: str, translation: str) -> None:
    assert missing_numbers(source, translation) == []


@pytest.mark.parametrize(("source", "translation", "missing"), LOST)
def test_a_lost_or_changed_value_is_named(
    source: str, translation: str, missing: list[str]
) -> None:
    assert missing_numbers(source, translation) == missing


def test_each_english_mention_answers_for_one_source_mention() -> None:
    source = "Sebanyak 5 orang tewas dan 5 orang luka."
    assert missing_numbers(source, "5 people died and 5 were injured.") == []
    assert missing_numbers(source, "5 people died and others were injured.") == ["5"]


def test_mentions_read_values_with_their_scale() -> None:
    (amount,) = indonesian_mentions("Rp1,2 triliun")
    assert amount.surface == "Rp1,2 triliun"
    assert amount.readings == {"1200000000000"}
    readings = {r for m in english_mentions("IDR 1.2 trillion") for r in m.readings}
    assert "1200000000000" in readings
    # "150 m" may be metres: both readings count on the English side.
    assert {"150", "150000000"} <= {r for m in english_mentions("150 m") for r in m.readings}


def test_text_without_numbers_has_none() -> None:
    assert indonesian_mentions("Banjir merendam rumah warga di Jakarta Timur.") == []
    assert indonesian_mentions("Kedua orang tuanya menangis; ia satu-satunya saksi.") == []
    assert missing_numbers("", "") == []


# Indonesian number expressions that are not digits or plain number words, class by class:
# (source, translations that say the same, translations that lose or change it).
EXPRESSIONS = {
    "approximate": [
        (
            "Ratusan rumah terendam banjir di Kabupaten Bandung.",
            [
                "Hundreds of houses were flooded in Bandung Regency.",
                "Several hundred houses were flooded in Bandung Regency.",
                "More than 100 houses were flooded in Bandung Regency.",
                "Over a hundred houses were flooded in Bandung Regency.",
            ],
            [
                "Thousands of houses were flooded in Bandung Regency.",
                "Dozens of houses were flooded in Bandung Regency.",
                "Houses were flooded in Bandung Regency.",
            ],
        ),
        (
            "Puluhan mahasiswa berunjuk rasa di depan Gedung DPR.",
            [
                "Dozens of students demonstrated in front of the DPR building.",
                "Scores of students demonstrated in front of the DPR building.",
                "Tens of students demonstrated in front of the DPR building.",
            ],
            ["Hundreds of students demonstrated in front of the DPR building."],
        ),
        (
            "Ribuan warga memadati Monas untuk salat Idul Fitri.",
            ["Thousands of residents packed Monas for the Eid al-Fitr prayer."],
            [
                "Hundreds of residents packed Monas for the Eid al-Fitr prayer.",
                "Tens of thousands of residents packed Monas for the Eid al-Fitr prayer.",
            ],
        ),
        (
            "Puluhan ribu warga mengungsi akibat erupsi Gunung Semeru.",
            ["Tens of thousands of residents fled the eruption of Mount Semeru."],
            ["Thousands of residents fled the eruption of Mount Semeru."],
        ),
        (
            "Jutaan pemudik diperkirakan pulang kampung pada Lebaran tahun ini.",
            ["Millions of travellers are expected to go home for Lebaran this year."],
            ["Thousands of travellers are expected to go home for Lebaran this year."],
        ),
        (
            "Kerugian akibat kebakaran itu mencapai ratusan juta rupiah.",
            ["Losses from the fire reached hundreds of millions of rupiah."],
            ["Losses from the fire reached millions of rupiah."],
        ),
        (
            "Belasan orang luka-luka dalam kecelakaan bus di tol Cipali.",
            [
                "A dozen or so people were injured in the bus crash on the Cipali toll road.",
                "More than ten people were injured in the bus crash on the Cipali toll road.",
                "Over 10 people were injured in the bus crash on the Cipali toll road.",
                "Dozens of people were injured in the bus crash on the Cipali toll road.",
            ],
            ["Hundreds of people were injured in the bus crash on the Cipali toll road."],
        ),
        (
            "Sengketa lahan itu berlangsung puluhan tahun.",
            ["The land dispute has gone on for decades."],
            ["The land dispute has gone on for centuries."],
        ),
        (
            "Beratus-ratus nelayan menolak reklamasi.",
            ["Hundreds of fishermen rejected the reclamation."],
            ["Thousands of fishermen rejected the reclamation."],
        ),
        (
            "Dua puluhan orang hadir dalam rapat itu.",
            ["Twenty-odd people attended the meeting.", "Some 20 people attended the meeting."],
            ["Some 30 people attended the meeting."],
        ),
    ],
    "roman": [
        (
            "Ekonomi Indonesia tumbuh 5,05 persen pada kuartal II 2024.",
            [
                "Indonesia's economy grew 5.05 percent in the second quarter of 2024.",
                "Indonesia's economy grew 5.05 percent in Q2 2024.",
                "Indonesia's economy grew 5.05 percent in quarter II 2024.",
                "Indonesia's economy grew 5.05 percent in the 2nd quarter of 2024.",
            ],
            [
                "Indonesia's economy grew 5.05 percent in the third quarter of 2024.",
                "Indonesia's economy grew 5.05 percent in Q3 2024.",
                "Indonesia's economy grew 5.05 percent in 2024.",
            ],
        ),
        (
            "Laba bersih perseroan pada triwulan III-2023 naik 12 persen.",
            ["The company's net profit in the third quarter of 2023 rose 12 percent."],
            ["The company's net profit in the first quarter of 2023 rose 12 percent."],
        ),
        (
            "Inflasi semester I 2024 masih terkendali.",
            [
                "Inflation in the first half of 2024 remained under control.",
                "Inflation in H1 2024 remained under control.",
                "Inflation in semester I 2024 remained under control.",
            ],
            ["Inflation in the second half of 2024 remained under control."],
        ),
        (
            "PVMBG menaikkan status Gunung Merapi ke Level III (Siaga).",
            [
                "PVMBG raised Mount Merapi's status to Level III (Alert).",
                "PVMBG raised Mount Merapi's status to Level 3 (Alert).",
                "PVMBG raised Mount Merapi's status to the third level (Alert).",
            ],
            ["PVMBG raised Mount Merapi's status to Level II (Alert)."],
        ),
        (
            "Polda Metro Jaya menetapkan status Siaga I menjelang pelantikan.",
            [
                "Jakarta police declared a Level I alert ahead of the inauguration.",
                "Jakarta police declared alert level 1 ahead of the inauguration.",
            ],
            ["Jakarta police declared a Level II alert ahead of the inauguration."],
        ),
        (
            "Korban adalah siswa kelas XII SMA Negeri 3 Bekasi.",
            [
                "The victim was a class XII student at SMA Negeri 3 Bekasi.",
                "The victim was a 12th grade student at SMA Negeri 3 Bekasi.",
                "The victim was a twelfth-grade student at SMA Negeri 3 Bekasi.",
            ],
            ["The victim was an eleventh-grade student at SMA Negeri 3 Bekasi."],
        ),
        (
            "Bangunan itu peninggalan Perang Dunia II.",
            [
                "The building is a relic of World War II.",
                "The building is a relic of the Second World War.",
                "The building is a relic of WWII.",
            ],
            ["The building is a relic of World War I."],
        ),
        (
            "Sri Sultan Hamengku Buwono X membuka pameran itu.",
            [
                "Sri Sultan Hamengku Buwono X opened the exhibition.",
                "Sri Sultan Hamengkubuwono X opened the exhibition.",
            ],
            ["Sri Sultan Hamengku Buwono IX opened the exhibition."],
        ),
        (
            "Pembangunan tol itu memasuki tahap II.",
            ["Construction of the toll road entered phase II.", "It entered the second phase."],
            ["Construction of the toll road entered phase III."],
        ),
        (
            "Buku itu terbit dalam jilid IV.",
            ["The book was published in volume IV.", "It came out in a fourth volume."],
            ["The book was published in volume VI."],
        ),
        (
            "Paus Yohanes Paulus II pernah berkunjung ke Indonesia.",
            ["Pope John Paul II once visited Indonesia."],
            ["Pope John Paul I once visited Indonesia."],
        ),
    ],
    "fraction": [
        (
            "Separuh warga desa itu mengungsi.",
            ["Half of the village's residents fled.", "50 percent of the villagers fled."],
            ["A third of the village's residents fled."],
        ),
        (
            "Setengah juta orang memadati kawasan itu.",
            ["Half a million people packed the area.", "500,000 people packed the area."],
            ["Half a billion people packed the area."],
        ),
        (
            "Dua setengah juta dosis vaksin tiba di Jakarta.",
            [
                "Two and a half million doses of vaccine arrived in Jakarta.",
                "2.5 million doses of vaccine arrived in Jakarta.",
            ],
            ["Two million doses of vaccine arrived in Jakarta."],
        ),
        (
            "Sepertiga anggaran daerah belum terserap.",
            [
                "A third of the regional budget has not been absorbed.",
                "One-third of the regional budget has not been absorbed.",
            ],
            [
                "A quarter of the regional budget has not been absorbed.",
                "Half of the regional budget has not been absorbed.",
            ],
        ),
        (
            "Seperempat wilayah kota terendam banjir.",
            [
                "A quarter of the city was flooded.",
                "One-fourth of the city was flooded.",
                "25 percent of the city was flooded.",
            ],
            ["A third of the city was flooded."],
        ),
        (
            "Tiga perempat penduduk desa bekerja sebagai petani.",
            [
                "Three quarters of the villagers work as farmers.",
                "Three-quarters of the villagers work as farmers.",
                "75 percent of the villagers work as farmers.",
            ],
            ["A quarter of the villagers work as farmers."],
        ),
        (
            "Dua pertiga anggota DPR menyetujui RUU itu.",
            ["Two-thirds of House members approved the bill."],
            ["A third of House members approved the bill."],
        ),
    ],
    "ordinal": [
        (
            "Keempat pelaku ditangkap polisi di Medan.",
            [
                "All four perpetrators were arrested by police in Medan.",
                "The four perpetrators were arrested by police in Medan.",
            ],
            [
                "All three perpetrators were arrested by police in Medan.",
                "The perpetrators were arrested by police in Medan.",
            ],
        ),
        (
            "Kedua tersangka kini ditahan di Rutan KPK.",
            [
                "Both suspects are now detained at the KPK detention center.",
                "The two suspects are now detained at the KPK detention center.",
            ],
            ["The three suspects are now detained at the KPK detention center."],
        ),
        (
            "Ini kali ketiga ia ditangkap karena narkoba.",
            ["This is the third time he has been arrested for drugs."],
            ["This is the second time he has been arrested for drugs."],
        ),
        (
            "Ia anak keempat dari lima bersaudara.",
            ["He is the fourth of five siblings.", "He is the 4th of five siblings."],
            ["He is the fifth of five siblings."],
        ),
        (
            "Pertumbuhan ekonomi kuartal kedua mencapai 5,17 persen.",
            ["Second-quarter economic growth reached 5.17 percent."],
            ["Third-quarter economic growth reached 5.17 percent."],
        ),
        (
            "Ketiganya dijerat pasal pembunuhan berencana.",
            ["All three were charged with premeditated murder."],
            ["Both were charged with premeditated murder."],
        ),
        (
            "Keduanya sepakat berdamai.",
            ["Both agreed to reconcile.", "The two agreed to reconcile."],
            ["All three agreed to reconcile."],
        ),
        (
            "Perayaan ulang tahun kedua puluh lima perusahaan itu digelar di Bali.",
            [
                "The company's twenty-fifth anniversary was celebrated in Bali.",
                "The company's 25th anniversary was celebrated in Bali.",
            ],
            ["The company's 20th anniversary was celebrated in Bali."],
        ),
        (
            "Kedua orang tuanya hadir dan ia mengangkat kedua tangannya.",
            ["His parents attended and he raised his hands."],
            [],
        ),
    ],
}
QUIET = [(s, t) for cases in EXPRESSIONS.values() for s, same, _ in cases for t in same]
FLAGGED = [(s, t) for cases in EXPRESSIONS.values() for s, _, lost in cases for t in lost]


@pytest.mark.parametrize(("source", "translation"), QUIET)
def test_a_correct_rendering_of_an_expression_is_quiet(source: str, translation: str) -> None:
    assert missing_numbers(source, translation) == []


@pytest.mark.parametrize(("source", "translation"), FLAGGED)
def test_a_lost_or_changed_expression_is_flagged(source: str, translation: str) -> None:
    assert missing_numbers(source, translation) != []


@pytest.mark.parametrize(
    ("source", "surface"),
    [
        ("Ratusan rumah terendam.", "Ratusan"),
        ("Puluhan ribu warga mengungsi.", "Puluhan ribu"),
        ("Ekonomi tumbuh pada kuartal II tahun ini.", "kuartal II"),
        ("Status naik ke Siaga I.", "Siaga I"),
        ("Sepertiga anggaran terserap.", "Sepertiga"),
        ("Tiga perempat wilayah terendam.", "Tiga perempat"),
        ("Keempat pelaku ditangkap.", "Keempat"),
    ],
)
def test_an_expression_is_named_as_the_source_wrote_it(source: str, surface: str) -> None:
    assert missing_numbers(source, "Nothing of it.") == [surface]
