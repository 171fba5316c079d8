from datetime import date

import pytest

from lagebild.dates import parse_partial_date


def test_month_denotes_every_day_of_the_month():
    interval = parse_partial_date("2023-03")
    assert (interval.value, interval.earliest, interval.latest, interval.granularity) == (
        "2023-03", date(2023, 3, 1), date(2023, 3, 31), "month")


def test_february_of_a_leap_year_ends_on_the_29th():
    assert parse_partial_date("2024-02").latest == date(2024, 2, 29)


def test_year_and_day_granularities():
    assert parse_partial_date("2019").earliest == date(2019, 1, 1)
    assert parse_partial_date("2019").latest == date(2019, 12, 31)
    day = parse_partial_date("2023-03-17")
    assert day.earliest == day.latest == date(2023, 3, 17) and day.granularity == "day"


def test_timestamp_is_cut_to_its_day():
    assert parse_partial_date("2023-03-23T09:15:00+06:00").value == "2023-03-23"


@pytest.mark.parametrize("bad", ["März 2023", "2023-13", "2023-02-30", "23-03-01", ""])
def test_non_dates_are_refused_with_a_message(bad):
    with pytest.raises(ValueError, match="YYYY|range"):
        parse_partial_date(bad)
