"""Balanced groups: sizes differ by at most one; units and levels are spread across groups."""

from collections import Counter

import pytest

from lentera.delivery.grouping import Person, balanced_groups, group_count_for


def people(n: int, units: list[str], levels: list[str]) -> list[Person]:
    return [Person(key=i, unit=units[i % len(units)], level=levels[i % len(levels)]) for i in range(n)]


@pytest.mark.parametrize(("n", "groups"), [(20, 4), (22, 4), (25, 6), (7, 3), (3, 3)])
def test_sizes_differ_by_at_most_one_and_everyone_is_placed(n: int, groups: int) -> None:
    result = balanced_groups(people(n, ["A", "B", "C"], ["x", "y"]), groups)
    sizes = [len(g) for g in result]
    assert max(sizes) - min(sizes) <= 1
    assert sorted(k for g in result for k in g) == list(range(n))


def test_each_unit_is_spread_over_the_groups() -> None:
    crowd = people(24, ["Sirkulasi", "Referensi", "Pengolahan"], ["Ahli Pertama"])  # 8 of each unit
    for group in balanced_groups(crowd, 4):
        units = Counter(crowd[k].unit for k in group)
        assert set(units.values()) <= {2}, units  # two of each unit in every group


def test_levels_are_spread_within_a_unit() -> None:
    crowd = [Person(i, "Sirkulasi", "Mahir" if i < 4 else "Terampil") for i in range(8)]
    for group in balanced_groups(crowd, 4):
        assert {crowd[k].level for k in group} == {"Mahir", "Terampil"}


def test_same_seed_same_groups() -> None:
    crowd = people(15, ["A", "B"], ["x"])
    assert balanced_groups(crowd, 3, seed=7) == balanced_groups(crowd, 3, seed=7)


def test_more_groups_than_people_gives_one_person_each() -> None:
    assert [len(g) for g in balanced_groups(people(2, ["A"], ["x"]), 5)] == [1, 1]


def test_nonsense_is_refused() -> None:
    with pytest.raises(ValueError):
        balanced_groups(people(3, ["A"], ["x"]), 0)
    with pytest.raises(ValueError):
        group_count_for(0, 10)
    assert group_count_for(5, 22) == 4
