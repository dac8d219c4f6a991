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
    assert indonesian_mentions("Banjir merendam ratusan rumah di Jakarta Timur.") == []
    assert missing_numbers("", "") == []
