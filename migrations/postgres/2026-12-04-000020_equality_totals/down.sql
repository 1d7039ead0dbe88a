DROP TABLE equality_totals;
