#!/usr/bin/env python3
"""Validate the knowledge-search evaluation data for Lawline.

Checks that every citation (《简称》第X条) in eval/questions.json and in
src/Lawline.Server/Knowledge/Data/seed-qa.json names an article that exists in
the law texts, that question ids are unique, and prints counts per topic/kind.

Usage:
    python3 validate.py /work/shared/data/laws
    python3 validate.py /work/shared/data/laws --show 《民法典》第一千零七十九条
Exit code 0 when everything is valid, 1 otherwise.
"""
import json
import re
import sys
from collections import Counter
from pathlib import Path

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
          "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_to_int(s: str) -> int:
    """Convert a Chinese numeral up to 9999 (e.g. 一千零七十九, 十四) to int."""
    if s.isdigit():
        return int(s)
    total, digit = 0, None
    for ch in s:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch in UNITS:
            total += (1 if digit is None else digit) * UNITS[ch]
            digit = None
        else:
            raise ValueError(f"not a Chinese numeral: {s!r}")
    if digit:
        total += digit
    return total


HEADING = re.compile(r"^第([零〇一二两三四五六七八九十百千]+)条[\s\u3000]")
CITATION = re.compile(r"^《([^》]+)》第([零〇一二两三四五六七八九十百千0-9]+)条$")


def load_laws(laws_dir: Path):
    """Return {short name: {article number: text}}."""
    laws = {}
    for path in sorted(laws_dir.glob("*.md")):
        lines = path.read_text(encoding="utf-8").splitlines()
        title = next((l[2:].strip() for l in lines if l.startswith("# ")), None)
        if title is None:
            continue
        short = title.replace("中华人民共和国", "")
        articles = laws.setdefault(short, {})
        current = None
        for line in lines:
            m = HEADING.match(line)
            if m:
                current = cn_to_int(m.group(1))
                articles[current] = line.strip()
            elif current is not None and line.strip() and not line.startswith("#"):
                articles[current] += "\n" + line.strip()
            elif line.startswith("#"):
                current = None
    return laws


def check_citation(laws, citation):
    m = CITATION.match(citation)
    if not m:
        return f"malformed citation {citation!r}"
    law, num = m.group(1), m.group(2)
    if law not in laws:
        return f"unknown law {law!r} in {citation!r}"
    if cn_to_int(num) not in laws[law]:
        return f"no such article {citation!r}"
    return None


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    laws = load_laws(Path(argv[1]))
    if "--show" in argv:
        for c in argv[argv.index("--show") + 1:]:
            m = CITATION.match(c)
            print(c, "=>", laws.get(m.group(1), {}).get(cn_to_int(m.group(2)), "MISSING") if m else "MALFORMED")
        return 0

    here = Path(__file__).resolve().parent
    repo = here.parents[2]
    questions_path = here / "questions.json"
    seed_path = repo / "src/Lawline.Server/Knowledge/Data/seed-qa.json"
    synonyms_path = repo / "src/Lawline.Server/Knowledge/Data/default-synonyms.json"
    errors = []

    print("laws loaded:", ", ".join(f"{k}({len(v)})" for k, v in laws.items()))

    questions = json.loads(questions_path.read_text(encoding="utf-8"))
    ids = Counter(q.get("id") for q in questions)
    for i, n in ids.items():
        if n > 1:
            errors.append(f"questions.json: duplicate id {i}")
    for q in questions:
        for key in ("id", "question", "relevant", "topic"):
            if not q.get(key):
                errors.append(f"questions.json: {q.get('id')} missing {key}")
        rel = q.get("relevant") or []
        if not 1 <= len(rel) <= 4:
            errors.append(f"questions.json: {q.get('id')} has {len(rel)} relevant articles (want 1-4)")
        if len(set(rel)) != len(rel):
            errors.append(f"questions.json: {q.get('id')} repeats a citation")
        for c in rel:
            e = check_citation(laws, c)
            if e:
                errors.append(f"questions.json: {q.get('id')}: {e}")
    dup_text = [t for t, n in Counter(q.get("question") for q in questions).items() if n > 1]
    for t in dup_text:
        errors.append(f"questions.json: duplicate question text {t!r}")
    print(f"questions: {len(questions)}")
    for topic, n in sorted(Counter(q["topic"] for q in questions).items(), key=lambda x: -x[1]):
        print(f"  {topic}: {n}")

    seed = json.loads(seed_path.read_text(encoding="utf-8"))
    for s in seed:
        for c in s.get("legalBasis") or []:
            e = check_citation(laws, c)
            if e:
                errors.append(f"seed-qa.json: {s.get('title')}: {e}")
        if s.get("kind") not in ("QAndA", "Procedure", "Agency"):
            errors.append(f"seed-qa.json: {s.get('title')}: bad kind {s.get('kind')!r}")
        if s.get("kind") != "Agency" and not s.get("legalBasis"):
            errors.append(f"seed-qa.json: {s.get('title')}: no legalBasis")
    titles = Counter(s.get("title") for s in seed)
    for t, n in titles.items():
        if n > 1:
            errors.append(f"seed-qa.json: duplicate title {t!r}")
    print(f"seed-qa entries: {len(seed)}")
    for kind, n in Counter(s.get("kind") for s in seed).items():
        print(f"  {kind}: {n}")

    if synonyms_path.exists():
        syn = json.loads(synonyms_path.read_text(encoding="utf-8"))
        corpus = "\n".join(t for arts in laws.values() for t in arts.values())
        terms = Counter(s["term"] for s in syn)
        for t, n in terms.items():
            if n > 1:
                errors.append(f"default-synonyms.json: duplicate term {t!r}")
        words = [w for s in syn for w in s["synonyms"]]
        missing = sorted({w for w in words if w not in corpus})
        print(f"synonym entries: {len(syn)}; synonyms found in law text: "
              f"{len(words) - sum(1 for w in words if w in missing)}/{len(words)}")
        if missing:
            print("  (informational) synonyms not literally in the laws:", "、".join(missing))

    if errors:
        print(f"\nFAILED: {len(errors)} problem(s)")
        for e in errors:
            print("  -", e)
        return 1
    print("\nOK: all citations resolve, ids unique")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
