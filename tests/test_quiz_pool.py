"""The secure instructor pool, read back as an LMS would: QTI groups (one variant drawn per student),
GIFT categories through pygiftparser, a key per variant; and never a public practice variant."""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from test_quiz_qti import read_package

from immunokit.quiz import load_bank
from immunokit.quiz.generators import canonical, variants
from immunokit_instructor.quiz.__main__ import main

ROOT = Path(__file__).resolve().parents[1]
BANK = ROOT / "book" / "ch08_side_effects.quiz.yml"
N = 6


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pool")
    assert (
        main(["export", str(BANK), "--seed", "exam-secret-2026", "--variants", str(N), "--out", str(out)])
        == 0
    )
    return out


def _groups(zip_path: Path) -> list[tuple[int, list[str]]]:
    """(how many items the LMS picks, item titles) of every group section of the package."""
    with zipfile.ZipFile(zip_path) as zf:
        name = next(
            n for n in zf.namelist() if n.endswith(".xml") and "imsmanifest" not in n and "meta" not in n
        )
        root = ET.fromstring(zf.read(name))
    out = []
    for sec in root.iter():
        if sec.tag.endswith("}section") and sec.get("title") == "Group":
            pick = int(sec.findtext(".//{*}selection_number") or "0")
            out.append((pick, [str(i.get("title")) for i in sec if i.tag.endswith("}item")]))
    return out


def test_qti_has_one_group_per_generated_item_and_an_lms_picks_one(pool: Path) -> None:
    bank = load_bank(BANK)
    generated = [q for q in bank.questions if q.generated]
    assert generated
    groups = _groups(pool / "qti" / "ch08_side_effects.zip")
    assert [titles for _, titles in groups] == [[f"{q.id}-v{k + 1}" for k in range(N)] for q in generated]
    assert all(pick == 1 for pick, _ in groups)
    items = read_package(pool / "qti" / "ch08_side_effects.zip")
    # fixed items stand alone; essays are worth their rubric's points
    assert {q.id for q in bank.questions if not q.generated} <= set(items)


def test_pool_variants_are_graded_as_their_key_says(pool: Path) -> None:
    items = read_package(pool / "qti" / "ch08_side_effects.zip")
    key = (pool / "keys" / "ch08_side_effects.md").read_text(encoding="utf-8")
    for title, item in items.items():
        if not re.search(r"-v\d+$", title):
            continue
        section = key.split(f"`{title}`", 1)[1].split("\n## ", 1)[0]
        assert "*Parameters:*" in section
        if item["type"] == "numerical_question":
            answer = float(re.search(r"\*\*Answer:\*\* ([-0-9.]+)", section).group(1))  # type: ignore[union-attr]
            low, high = item["range"]  # type: ignore[misc]
            assert low <= answer <= high, title
        else:
            (right,) = item["correct"]  # type: ignore[misc]
            assert f"**✔ correct**: {right}" in section, title


def test_gift_puts_each_generated_item_in_its_own_category(pool: Path) -> None:
    from pygiftparser import parser

    gift = (pool / "gift" / "ch08_side_effects.gift").read_text(encoding="utf-8")
    bank = load_bank(BANK)
    cats = re.findall(r"^\$CATEGORY: (.+)$", gift, flags=re.M)
    assert cats[0] == "$course$/Leukemia Immunotherapy/ch08"
    assert cats[1:] == [f"$course$/Leukemia Immunotherapy/ch08/{q.id}" for q in bank.questions if q.generated]
    parsed = parser.parseFile(io.StringIO(gift))
    assert all(q.valid for q in parsed)
    titles = [q.title for q in parsed]
    for q in bank.questions:
        if q.generated:
            assert [t for t in titles if t.startswith(q.id + "-v")] == [f"{q.id}-v{k + 1}" for k in range(N)]


def test_secure_variants_never_coincide_with_public_ones(pool: Path) -> None:
    """Every prompt in the secure pool differs from the first 200 public variants of its item."""
    gift = (pool / "gift" / "ch08_side_effects.gift").read_text(encoding="utf-8")
    key = (pool / "keys" / "ch08_side_effects.md").read_text(encoding="utf-8")
    for q in load_bank(BANK).questions:
        if not q.generated:
            continue
        assert q.generator is not None
        public = list(itertools.islice(variants(q.generator, q.id, options=dict(q.generator_options)), 200))
        public_keys = {v.key for v in public}
        secure_params = re.findall(rf"`{q.id}-v\d+`.*?\*Parameters:\* `([^`]+)`", key, flags=re.S)
        assert len(secure_params) == N
        import json

        assert not public_keys & {canonical(json.loads(p)) for p in secure_params}
        for v in public[:20]:  # and no public stem appears in the exported file
            stem = v.fields["prompt"].split("*hypothetical*")[-1]
            if not re.search(r"[~^*`{}=#:]", stem):  # plain text reads the same in GIFT
                assert stem not in gift


def test_export_pool_refuses_an_empty_secret(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(BANK), "--seed", " ", "--out", "/nonexistent"]) == 2
    assert "--seed needs a non-empty secret" in capsys.readouterr().err
