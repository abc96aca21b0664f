{#-
    What-if scenarios (docs/scenarios.md): the need models read the dbt var `scenario`, which the
    published build never sets (so every macro here returns the published expression unchanged).
    `./run scenario run FILE` validates the scenario file and passes, on a snapshot of the published
    warehouse, `--vars '{"scenario": {...}}'` with:
        parameters        {name: value}          a need parameter held at value in every draw
        regime_factors    {regime_group: factor} the migration regime factor of a group in every scenario
        growth_factors    {pair_key: factor}     a pair's ('lad|community') growth rate over the horizon x factor
        move_on_factors   {lad_code: factor}     an LA's move-on duties x factor (its known events)
        grant_factors     {community_key: factor}  a community's move-on x factor (a new grant rate
                                                   over the baseline's)
-#}

{% macro scenario_overrides() -%}
    {{ return(var('scenario', {}) or {}) }}
{%- endmacro %}


{% macro scenario_parameter(name, published) -%}
    {%- set parameters = scenario_overrides().get('parameters', {}) -%}
    {%- if name in parameters -%}
        cast({{ parameters[name] | float }} as double precision)
    {%- else -%}
        {{ published }}
    {%- endif -%}
{%- endmacro %}


{% macro scenario_regime_factor(regime_group, published) -%}
    {%- set factors = scenario_overrides().get('regime_factors', {}) -%}
    {%- if factors -%}
        case {{ regime_group }}
        {%- for group, factor in factors.items() %}
            when '{{ group }}' then cast({{ factor | float }} as double precision)
        {%- endfor %}
            else {{ published }}
        end
    {%- else -%}
        {{ published }}
    {%- endif -%}
{%- endmacro %}


{% macro scenario_growth_factor(pair_key) -%}
    {{ scenario_factor_by_key('growth_factors', pair_key) }}
{%- endmacro %}


{% macro scenario_move_on_factor(lad_code) -%}
    {{ scenario_factor_by_key('move_on_factors', lad_code) }}
{%- endmacro %}


{% macro scenario_grant_factor(community_key) -%}
    {{ scenario_factor_by_key('grant_factors', community_key) }}
{%- endmacro %}


{#- The factor that the scenario's mapping ``name`` ({key: factor}) gives the row whose ``expression``
    is the key; 1 for any other key, and everywhere in the published build. -#}
{% macro scenario_factor_by_key(name, expression) -%}
    {%- set factors = scenario_overrides().get(name, {}) -%}
    {%- if factors -%}
        case {{ expression }}
        {%- for key, factor in factors.items() %}
            when '{{ key }}' then cast({{ factor | float }} as double precision)
        {%- endfor %}
            else cast(1 as double precision)
        end
    {%- else -%}
        cast(1 as double precision)
    {%- endif -%}
{%- endmacro %}
