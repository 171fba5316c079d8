"""Place resolution: exonyms, context decides ambiguous names, the unresolvable stays null."""

from __future__ import annotations

from dataclasses import astuple

import pytest

from lagebild.extract.place_cache import StoredNames
from lagebild.extract.places import PlaceIndex, PlaceRecord, PlaceResolver, fold_place


@pytest.fixture(scope="module")
def resolver() -> PlaceResolver:
    return PlaceResolver()


def resolve(resolver: PlaceResolver, text: str, *names: str, lang: str = "de") -> list[PlaceRecord | None]:
    """Resolve the given names as they occur (first occurrence) in `text`."""
    mentions = []
    for name in names:
        end = text.index(name) + len(name)
        mentions.append((name, text[end:end + 40]))
    return resolver.resolve_mentions(mentions, text, lang)


@pytest.mark.parametrize(("exonym", "name", "country", "kind"), [
    ("Kiew", "Kyiv", "UA", "capital"),
    ("Kyjiw", "Kyiv", "UA", "capital"),
    ("Moskau", "Moscow", "RU", "capital"),
    ("Bischkek", "Bishkek", "KG", "capital"),
    ("Bishkek", "Bishkek", "KG", "capital"),
    ("Tiflis", "Tbilisi", "GE", "capital"),
    ("Tbilissi", "Tbilisi", "GE", "capital"),
    ("Peking", "Beijing", "CN", "capital"),
    ("Warschau", "Warsaw", "PL", "capital"),
    ("Kirgistan", "Kyrgyzstan", "KG", "country"),
    ("Kirgisistan", "Kyrgyzstan", "KG", "country"),
    ("Russlands", "Russia", "RU", "country"),
    ("Kischinau", "Chisinau", "MD", "capital"),
    ("Sachsen-Anhalt", "Saxony-Anhalt", "DE", "region"),
])
def test_german_exonyms_resolve(resolver: PlaceResolver, exonym: str, name: str, country: str, kind: str) -> None:
    (record,) = resolve(resolver, f"Die Nachricht kam aus {exonym}.", exonym)
    assert record is not None
    assert (record.name, record.country, record.kind) == (name, country, kind)


def test_city_record_carries_geonames_id_and_coordinates(resolver: PlaceResolver) -> None:
    (record,) = resolve(resolver, "Proteste in Kiew.", "Kiew")
    place = record.to_place()
    assert place["geonames_id"] == 703448
    assert place["lat"] == pytest.approx(50.45, abs=0.05) and place["lon"] == pytest.approx(30.52, abs=0.05)


def test_english_names_and_aliases(resolver: PlaceResolver) -> None:
    text = "Protesters gathered in Kyiv while officials in the US and the UK said little."
    kyiv, us, uk = resolve(resolver, text, "Kyiv", "US", "UK", lang="en")
    assert kyiv.name == "Kyiv" and us.country == "US" and uk.country == "GB"


def test_osch_with_kyrgyzstan_in_the_article(resolver: PlaceResolver) -> None:
    text = "In Osch, der zweitgrößten Stadt Kirgistans, blieb es ruhig."
    osch, kirgistan = resolve(resolver, text, "Osch", "Kirgistans")
    assert (osch.name, osch.country) == ("Osh", "KG")
    assert kirgistan.kind == "country"


def test_frankfurt_is_decided_by_the_article(resolver: PlaceResolver) -> None:
    oder = "Die Polizei in Brandenburg meldete, in Frankfurt seien drei Männer festgenommen worden."
    frankfurt, _ = resolve(resolver, oder, "Frankfurt", "Brandenburg")
    assert frankfurt.name == "Frankfurt (Oder)" and frankfurt.admin1 == "11"
    river = "Auf der Stadtbrücke über die Oder bei Frankfurt staute sich der Verkehr."
    (frankfurt,) = resolve(resolver, river, "Frankfurt")
    assert frankfurt.name == "Frankfurt (Oder)"
    qualified = "In Frankfurt an der Oder demonstrierten am Samstag Hunderte."
    (frankfurt,) = resolve(resolver, qualified, "Frankfurt")
    assert frankfurt.name == "Frankfurt (Oder)"
    main = "An der Börse in Frankfurt am Main fielen die Kurse; in Hessen sprach man von Panik."
    (frankfurt,) = resolve(resolver, main, "Frankfurt")
    assert frankfurt.name == "Frankfurt am Main"


def test_donezk_follows_the_country_of_the_article(resolver: PlaceResolver) -> None:
    ukraine = "Aus Donezk im Osten der Ukraine wurden Explosionen gemeldet."
    donezk, _ = resolve(resolver, ukraine, "Donezk", "Ukraine")
    assert donezk.country == "UA"
    russia = "Die Kleinstadt Donezk im Süden Russlands liegt am Sewerski Donez."
    donezk, _ = resolve(resolver, russia, "Donezk", "Russlands")
    assert donezk.country == "RU"


def test_halle_is_left_open_without_context(resolver: PlaceResolver) -> None:
    # Halle (Belgium), Halle (Westfalen) and Halle (Saale): no record stands out, so null.
    (halle,) = resolve(resolver, "In Halle wurde ein neuer Bürgermeister gewählt.", "Halle")
    assert halle is None
    text = "In Halle wurde ein neuer Bürgermeister gewählt, teilte das Land Sachsen-Anhalt mit."
    halle, _ = resolve(resolver, text, "Halle", "Sachsen-Anhalt")
    assert halle.name == "Halle (Saale)"


def test_unknown_adjectival_and_lowercase_names_stay_null(resolver: PlaceResolver) -> None:
    text = "Die kirgisische Regierung schickte Helfer nach Xyzabadistan und in den Westen."
    assert resolve(resolver, text, "kirgisische", "Xyzabadistan", "Westen") == [None, None, None]
    assert resolver.candidates("Kirgisische", "de") == []


def test_fold_place_ignores_case_accents_and_dashes() -> None:
    assert fold_place("Chişinău") == fold_place("CHISINAU")
    assert fold_place("Dschalal-Abad") == fold_place("Dschalal  Abad")


def test_index_is_built_lazily_once_per_instance(monkeypatch: pytest.MonkeyPatch) -> None:
    builds: list[int] = []
    monkeypatch.setattr(PlaceResolver, "build_index", lambda self: builds.append(1) or PlaceIndex())
    resolver = PlaceResolver(cached=False)
    assert builds == []
    assert resolver.candidates("Kiew", "de") == [] and resolver.candidates("Moskau", "de") == []
    assert builds == [1]


@pytest.mark.parametrize(("text", "lang"), [
    ("Aufständische griffen Palma in der Provinz Cabo Delgado an, teilte die Armee Mosambiks mit.", "de"),
    ("Insurgents attacked Palma in Cabo Delgado province in northern Mozambique.", "en"),
])
def test_a_town_abroad_is_not_guessed_where_the_text_names_its_country(resolver: PlaceResolver, text: str,
                                                                        lang: str) -> None:
    """Palma in Mozambique is not in the gazetteer: it stays open instead of becoming Palma de Mallorca."""
    (palma,) = resolve(resolver, text, "Palma", lang=lang)
    assert palma is None


def test_the_country_named_in_the_text_counts_even_when_it_is_no_entity(resolver: PlaceResolver) -> None:
    assert resolver.countries_in_text("Die Armee Mosambiks und Kenias Regierung", "de") >= {"MZ", "KE"}
    assert resolver.countries_in_text("talks between Kenya and Uganda", "en") >= {"KE", "UG"}


def test_palma_on_mallorca_is_the_spanish_city(resolver: PlaceResolver) -> None:
    (palma,) = resolve(resolver, "Auf Mallorca hat die Polizei in Palma zwei Männer festgenommen.", "Palma")
    assert palma is not None and palma.country == "ES"


def test_cached_index_answers_as_the_built_one(tmp_path, monkeypatch) -> None:
    """The index read back from the disk cache gives the same records as a fresh build, and is reused."""
    monkeypatch.setenv("LAGEBILD_CACHE", str(tmp_path))
    built = PlaceResolver()
    assert built.index.names  # built and written to the cache
    assert len(list(tmp_path.glob("places-*.pickle"))) == 1
    read = PlaceResolver()
    assert isinstance(read.index.names, StoredNames)
    for name in ("Kiew", "Frankfurt", "Nairobi", "Mosambik", "Sachsen-Anhalt", "Palma"):
        assert [(r.name, r.kind, r.country, r.admin1, r.geonames_id) for r in read.candidates(name, "de")] == \
            [(r.name, r.kind, r.country, r.admin1, r.geonames_id) for r in built.candidates(name, "de")]
    assert read.index.blocked == built.index.blocked and len(read.index.names) == len(built.index.names)
    assert read.candidates("Kiew", "de")[0] is read.candidates("Kyjiw", "de")[0]  # one object per record


def test_a_cache_holding_a_class_is_refused(tmp_path) -> None:
    """A tampered cache file cannot run code: reading it gives nothing, so the index is built afresh."""
    import pickle

    from lagebild.extract.place_cache import read_cached

    path = tmp_path / "places-x.pickle"
    path.write_bytes(pickle.dumps((1, [PlaceRecord(name="X", kind="city")], {}, [])))
    assert read_cached(path) is None
    path.write_bytes(b"not a pickle")
    assert read_cached(path) is None


def test_an_unwritable_cache_is_skipped(tmp_path) -> None:
    """Where the cache cannot be written, nothing is raised; the small index round-trips where it can."""
    from lagebild.extract.place_cache import read_cached, write_cached

    kyiv = PlaceRecord(name="Kyiv", kind="capital", country="UA", qualified_names=("Kyiv City",))
    index = PlaceIndex()
    index.add("Kyjiw", kyiv)
    index.blocked.add("mehr")
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    write_cached(blocker / "cache" / "places.pickle", index)
    assert not (blocker / "cache").exists()
    write_cached(tmp_path / "places.pickle", index)
    read = read_cached(tmp_path / "places.pickle")
    assert read is not None and [astuple(r) for r in read.get("Kyjiw")] == [astuple(kyiv)]
    assert read.blocked == {"mehr"}
