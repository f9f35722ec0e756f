"""KPIs: health metrics per team in a metric tree, with normal and critical ranges, dated values, alerts and a board."""
