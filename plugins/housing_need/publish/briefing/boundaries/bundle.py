"""Bundle the ONS boundary file for the maps: project it once onto the British National Grid.

Run once, by hand, when the boundaries change; its output is committed and the maps read it as it is
(no projection at run time)::

    pip install pyproj   # not a dependency of the package: only this step needs it
    python plugins/housing_need/publish/briefing/boundaries/bundle.py SOURCE.geojson

SOURCE is the ONS export in WGS84 longitude/latitude (README.md: where to get it and its sha256, checked
here). Every vertex goes through PROJ's EPSG:4326 -> EPSG:27700 with the datum shift, the Helmert
transformation "OSGB36 to WGS 84 (6)" inverted (accuracy about 2 m; the finer OSTN15 grid is a download
PROJ may not have, so the operation is named explicitly and the output is the same everywhere), and is
rounded to the centimetre. Equal vertices stay equal (the maps find shared borders by equality); the
script stops if two different vertices would become one. The properties stay as ONS published them, with
the internal point (``LONG``/``LAT``) projected the same way added as ``POINT_E``/``POINT_N``: where a map
puts a district's symbol and name. (ONS's own ``BNG_E``/``BNG_N`` agree with it within 5 m in Great
Britain but lie about 110 m off in Northern Ireland, off the shapes drawn here.) The result is written
beside this file, one feature a line, and README.md's provenance lines are printed to paste.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

SOURCE_SHA256 = "d065f4c74a31738d456ab50bbbf8bf3f0fe9dec0b39dc768c840d96d76e88621"
OUTPUT = (
    Path(__file__)
    .resolve()
    .with_name("Local_Authority_Districts_December_2024_Boundaries_UK_BUC_BNG.geojson")
)
OPERATION = "Inverse of OSGB36 to WGS 84 (6) + British National Grid"


def _transformer():  # type: ignore[no-untyped-def]
    from pyproj import CRS
    from pyproj.transformer import TransformerGroup

    group = TransformerGroup(CRS("EPSG:4326"), CRS("EPSG:27700"), always_xy=True)
    for transformer in group.transformers:
        if OPERATION in transformer.description:
            return transformer
    raise SystemExit(f"PROJ offers no operation {OPERATION!r}: {[t.description for t in group.transformers]}")


def bundle(source: Path, output: Path = OUTPUT) -> str:
    """Write ``output`` from ``source``; the README lines that record how."""
    import pyproj

    raw = source.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SOURCE_SHA256:
        raise SystemExit(
            f"{source}: sha256 {digest}, expected {SOURCE_SHA256} (README.md says where to get it)"
        )
    collection = json.loads(raw)
    transformer = _transformer()
    seen: dict[tuple[float, float], tuple[float, float]] = {}  # projected vertex -> its source vertex

    def project(ring: list[list[float]]) -> list[list[float]]:
        xs, ys = transformer.transform([p[0] for p in ring], [p[1] for p in ring])
        out = []
        for lonlat, e, n in zip(ring, xs, ys, strict=True):
            point = (round(float(e), 2), round(float(n), 2))
            if seen.setdefault(point, (lonlat[0], lonlat[1])) != (lonlat[0], lonlat[1]):
                raise SystemExit(f"two vertices meet at {point}: {seen[point]} and {lonlat}")
            out.append(list(point))
        return out

    features = []
    for feature in collection["features"]:
        geometry = feature["geometry"]
        if geometry["type"] == "Polygon":
            coordinates: list = [project(ring) for ring in geometry["coordinates"]]
        else:
            coordinates = [[project(ring) for ring in polygon] for polygon in geometry["coordinates"]]
        props = feature["properties"]
        east, north = transformer.transform(props["LONG"], props["LAT"])
        features.append(
            {
                "type": "Feature",
                "properties": props | {"POINT_E": round(float(east), 2), "POINT_N": round(float(north), 2)},
                "geometry": {"type": geometry["type"], "coordinates": coordinates},
            }
        )
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    output.write_text(
        '{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:27700"}},"features":[\n'
        + ",\n".join(lines)
        + "\n]}\n",
        encoding="utf-8",
    )
    return "\n".join(
        [
            f"- Made by `bundle.py` from the source file (sha256 `{digest}`) with pyproj {pyproj.__version__} "
            f"(PROJ {pyproj.proj_version_str}): {transformer.description}, accuracy {transformer.accuracy} m.",
            f"- sha256 `{hashlib.sha256(output.read_bytes()).hexdigest()}`, {len(features)} features, "
            f"{len(seen)} distinct vertices.",
        ]
    )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    print(bundle(Path(sys.argv[1])))
