{#-
    Matching key for a local-authority name, so that the spellings different publishers use meet:
      1. lower case; '&' -> 'and'; apostrophes and full stops dropped ("King's Lynn" -> "kings lynn",
         "St. Helens" -> "st helens"); every other run of non-alphanumerics -> one space (hyphens,
         commas, brackets), trimmed;
      2. a leading "the", "council of (the)" or "borough council of" dropped;
      3. a designation dropped when it comes first or after a comma: "city of", "county of",
         "city and county of", "(royal|london|metropolitan) borough of", "borough of"
         ("Kingston upon Hull, City of" = "City of Kingston upon Hull" -> "kingston upon hull");
      4. a trailing "council", with its designation if any ("district council", "city council",
         "county borough council", "metropolitan borough council", "city and district council", …): "Babergh District Council" -> "babergh".
    Exception: "City of London" keeps its "city of" (held as one token through the steps), so a bare
    "London" — a region, not a local authority — never matches it.
    Returns null for a blank name. Portable SQL: regexp_replace with the 'g' flag behaves the same in
    DuckDB and PostgreSQL for these patterns.
-#}
{% macro normalise_la_name(expr) -%}
    {%- set designation = "(city and county|city|county|royal borough|london borough|metropolitan borough|borough)" -%}
    nullif(trim(replace(
        regexp_replace(
            regexp_replace(
                regexp_replace(
                    regexp_replace(
                        regexp_replace(
                            replace(
                                ' ' || trim(regexp_replace(
                                    replace(replace(replace(replace(lower({{ expr }}), '&', ' and '), '''', ''), '’', ''), '.', ''),
                                    '[^a-z0-9]+', ' ', 'g'
                                )) || ' ',
                                ' city of london ', ' cityoflondon '
                            ),
                            '^ the ', ' ', 'g'
                        ),
                        '^ (council of the|council of|borough council of) ', ' ', 'g'
                    ),
                    '^ {{ designation }} of ', ' ', 'g'
                ),
                ' {{ designation }} of $', ' ', 'g'
            ),
            ' ((metropolitan |county )?borough |city and district |city |county |district )?council $', ' ', 'g'
        ),
        'cityoflondon', 'city of london'
    )), '')
{%- endmacro %}
