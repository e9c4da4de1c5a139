"""Language benchmark: language identification and Zawgyi, ours against the usual tools.

Data (bench/data/, see the header of each file for its sources): langid.tsv (content-pack
text and drafted member messages in the nine languages, Vietnamese also without
diacritics) and zawgyi.tsv (Burmese lines in Unicode and converted to Zawgyi by ICU).

Language ID, on full lines and on the same lines cut to 40 characters, per language:
- langdetect (codes mapped; it has no Khmer, Lao, Burmese or Malay profile, so those
  lines always count wrong),
- lingua restricted to English, Vietnamese, Indonesian, Malay, Tagalog (no non-Latin
  language, so Khmer, Lao, Burmese and Thai lines always count wrong),
- pycld2 (CLD2),
- ours: services.language.detect_language, given the sender's country for Indonesian
  (ID), Malay (MY) and unaccented Vietnamese (VN) lines, as a phone number would; also
  shown without any country.
Zawgyi: detection precision/recall (services.language.is_zawgyi) and conversion
(normalize(zawgyi line) == the original Unicode line, NFC; Unicode lines unchanged).

Goals (issue): ours >= 97 % overall and >= 95 % for every language (full lines).
Goals (ours): Zawgyi precision >= 99 %, recall >= 95 %, round trip >= 95 %.
Run alone: .venv/bin/python bench/language.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import time  # noqa: E402
import unicodedata  # noqa: E402
from collections import defaultdict  # noqa: E402
from collections.abc import Callable  # noqa: E402

from bench.common import Goal, goals_table, table  # noqa: E402
from services.language import detect_language, is_zawgyi, normalize  # noqa: E402
from services.language.latin import lingua_guess  # noqa: E402

DATA = ROOT / "bench" / "data"
LANGS = ("en", "km", "lo", "my", "vi", "id", "ms", "fil", "th")
LATIN = ("en", "vi", "id", "ms", "fil")
CUT = 40
SENDER_COUNTRY = {("id", None): "ID", ("ms", None): "MY", ("vi", "drafted-unaccented"): "VN"}

Row = tuple[str, str, str]  # lang, source, text
Detector = Callable[[str, Row], str]


def read(name: str) -> list[list[str]]:
    """The rows of a TSV file in bench/data, header comments skipped."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


def _langdetect(text: str, row: Row) -> str:
    import langdetect

    try:
        code = langdetect.detect(text)
    except langdetect.LangDetectException:
        return "?"
    return {"tl": "fil"}.get(code, code)


def _cld2(text: str, row: Row) -> str:
    import pycld2

    try:
        code = pycld2.detect(text)[2][0][1]
    except pycld2.error:
        return "?"
    return {"tl": "fil", "un": "?"}.get(code, code)


def _lingua(text: str, row: Row) -> str:
    return lingua_guess(text)[0]


def _ours(text: str, row: Row) -> str:
    lang, source, _ = row
    country = SENDER_COUNTRY.get((lang, None)) or SENDER_COUNTRY.get((lang, source))
    return detect_language(text, country=country)


def _ours_bare(text: str, row: Row) -> str:
    return detect_language(text)


DETECTORS: dict[str, Detector] = {
    "langdetect": _langdetect, "lingua (5 Latin)": _lingua, "pycld2": _cld2,
    "ours": _ours, "ours, no country": _ours_bare}


def accuracy(detector: Detector, rows: list[Row], cut: int | None
             ) -> tuple[dict[str, float], list[tuple[Row, str]]]:
    """Share right per language, plus "all" and "latin"; and the misses."""
    right, total, misses = defaultdict(int), defaultdict(int), []
    for row in rows:
        text = row[2][:cut].rstrip() if cut else row[2]
        guess = detector(text, row)
        for key in (row[0], "all", *(["latin"] if row[0] in LATIN else [])):
            total[key] += 1
            right[key] += guess == row[0]
        if guess != row[0]:
            misses.append((row, guess))
    return {k: right[k] / total[k] for k in total}, misses


def langid_tables(rows: list[Row]) -> tuple[dict, dict]:
    """Prints the accuracy tables; returns ours on full lines and its misses."""
    import langdetect

    langdetect.DetectorFactory.seed = 0
    results, ours_misses = {}, {}
    for cut in (None, CUT):
        body = []
        for name, detector in DETECTORS.items():
            start = time.perf_counter()
            scores, misses = accuracy(detector, rows, cut)
            ms = (time.perf_counter() - start) / len(rows) * 1000
            results[(name, cut)] = scores
            ours_misses[(name, cut)] = misses
            body.append([name, *(_pct(scores[k]) for k in (*LANGS, "latin", "all")),
                         f"{ms:.2f}"])
        label = "full lines" if cut is None else f"cut to <= {CUT} characters"
        print(f"\nLanguage ID accuracy, {label} ({len(rows)} lines)")
        print(table(["detector", *LANGS, "latin", "all", "ms/line"], body))
    return results, ours_misses


def zawgyi_figures() -> dict[str, float]:
    """Detection precision/recall, round-trip and Unicode-unchanged shares."""
    rows = read("zawgyi.tsv")
    tp = fp = fn = back = kept = 0
    for label, _, text, unicode_line in rows:
        flagged = is_zawgyi(text)
        tp += flagged and label == "zawgyi"
        fp += flagged and label == "unicode"
        fn += not flagged and label == "zawgyi"
        original = unicodedata.normalize("NFC", unicode_line)
        if label == "zawgyi":
            back += normalize(text) == original
        else:
            kept += normalize(text) == original
    zawgyi = sum(1 for r in rows if r[0] == "zawgyi")
    return {"lines": len(rows), "zawgyi": zawgyi, "precision": tp / max(tp + fp, 1),
            "recall": tp / max(tp + fn, 1), "round trip": back / max(zawgyi, 1),
            "unicode kept": kept / max(len(rows) - zawgyi, 1)}


def goals(results: dict, zawgyi: dict[str, float]) -> list[Goal]:
    """The goals of the issue (language ID) and ours (Zawgyi), with PASS/FAIL."""
    ours = results[("ours", None)]
    worst = min(LANGS, key=lambda k: ours[k])
    out = [Goal("language", "ours, overall (full lines)", _pct(ours["all"]), ">= 97 %",
                ours["all"] >= 0.97),
           Goal("language", f"ours, worst language ({worst})", _pct(ours[worst]),
                ">= 95 %", ours[worst] >= 0.95)]
    out += [Goal("language", f"ours, {lang}", _pct(ours[lang]), ">= 95 %", ours[lang] >= 0.95)
            for lang in LANGS]
    for key, goal in (("precision", 0.99), ("recall", 0.95), ("round trip", 0.95),
                      ("unicode kept", 1.0)):
        out.append(Goal("zawgyi", key, _pct(zawgyi[key]), f">= {goal:.0%}".replace("%", " %"),
                        zawgyi[key] >= goal))
    return out


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def show_misses(misses: list[tuple[Row, str]], limit: int = 15) -> None:
    print(f"\nOurs, full lines: {len(misses)} misses" + (":" if misses else ""))
    for (lang, source, text), guess in misses[:limit]:
        print(f"  {lang} -> {guess}  [{source}] {text[:70]}")


def main(argv: list[str] | None = None) -> list[Goal]:
    rows = [tuple(r) for r in read("langid.tsv")]
    print(__doc__.split("\n\n")[0])
    results, misses = langid_tables(rows)
    show_misses(misses[("ours", None)])
    zawgyi = zawgyi_figures()
    print(f"\nZawgyi ({zawgyi['lines']} lines, {zawgyi['zawgyi']} Zawgyi): "
          + ", ".join(f"{k} {_pct(v)}" for k, v in zawgyi.items() if k not in
                      ("lines", "zawgyi")))
    found = goals(results, zawgyi)
    print("\n" + goals_table(found))
    return found


if __name__ == "__main__":
    sys.exit(0 if all(g.passed for g in main()) else 1)
