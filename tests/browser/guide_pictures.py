"""Make the coordinator's guide's pictures from the browser tests' own screenshots:
``make guide-pictures`` runs the browser tests with REMISS_SCREENSHOTS set, then keeps the
pictures the guide names (``remiss.web.guide.PICTURES``), at most 1000 px wide."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

from remiss.web.guide import PICTURES
from remiss.web.pages import STATIC

WIDEST = 1000


def main() -> int:
    with tempfile.TemporaryDirectory() as shots:
        env = os.environ | {"REMISS_SCREENSHOTS": shots}
        tests = Path(__file__).parent
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tests)],
            env=env,
            check=False,
        )
        folder = STATIC / "guide"
        folder.mkdir(exist_ok=True)
        missing = []
        for name in PICTURES:
            shot = Path(shots) / f"{name}.png"
            if not shot.exists():
                missing.append(name)
                continue
            with Image.open(shot) as image:
                if image.width > WIDEST:
                    height = round(image.height * WIDEST / image.width)
                    image = image.resize((WIDEST, height), Image.Resampling.LANCZOS)
                # A page's few colours in a palette: a quarter of the bytes, the same to the eye.
                image.convert("RGB").quantize(colors=128).save(
                    folder / f"{name}.png", optimize=True
                )
            print(f"{name}.png")
    if missing:
        print(f"saknas (inget test tog bilden): {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
