"""The briefing's choropleth maps, drawn without a GIS library or anything loaded at run time:
geometry.py (the bundled districts, their shared borders, simplification), classes.py (class breaks and
fills), frame.py (metres to pixels, SVG path data), legend.py and labels.py (the text beside and on a
map) and draw.py (the map as SVG). The sections that read the marts and draw maps are
``sections/maps.py``."""
