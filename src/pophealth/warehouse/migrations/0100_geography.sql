-- LLR reference geography (see pophealth/geography/data/PROVENANCE.md).
CREATE TABLE IF NOT EXISTS geo_area (
    area_code VARCHAR PRIMARY KEY, area_name VARCHAR NOT NULL, area_type VARCHAR NOT NULL,
    parent_code VARCHAR, nhs_ods_code VARCHAR, code_authority VARCHAR, notes VARCHAR
);
CREATE TABLE IF NOT EXISTS geo_lsoa21 (
    lsoa21_code VARCHAR PRIMARY KEY, lsoa21_name VARCHAR NOT NULL,
    ltla_code VARCHAR NOT NULL, ltla_name VARCHAR NOT NULL,
    utla_code VARCHAR NOT NULL, utla_name VARCHAR NOT NULL, sub_icb_code VARCHAR NOT NULL,
    imd2025_decile INTEGER NOT NULL, imd2025_rank INTEGER NOT NULL, imd2025_score DOUBLE,
    pop_total INTEGER NOT NULL,
    pop_0_4 INTEGER, pop_5_9 INTEGER, pop_10_14 INTEGER, pop_15_19 INTEGER, pop_20_24 INTEGER,
    pop_25_29 INTEGER, pop_30_34 INTEGER, pop_35_39 INTEGER, pop_40_44 INTEGER, pop_45_49 INTEGER,
    pop_50_54 INTEGER, pop_55_59 INTEGER, pop_60_64 INTEGER, pop_65_69 INTEGER, pop_70_74 INTEGER,
    pop_75_79 INTEGER, pop_80_84 INTEGER, pop_85_plus INTEGER
);
CREATE TABLE IF NOT EXISTS geo_lsoa11 (
    lsoa11_code VARCHAR PRIMARY KEY, lsoa11_name VARCHAR NOT NULL,
    ltla_code VARCHAR NOT NULL, ltla_name VARCHAR NOT NULL,
    utla_code VARCHAR NOT NULL, utla_name VARCHAR NOT NULL, sub_icb_code VARCHAR NOT NULL,
    imd2019_rank INTEGER NOT NULL, imd2019_decile INTEGER NOT NULL, pop2015_total INTEGER
);
CREATE TABLE IF NOT EXISTS geo_practice (
    practice_code VARCHAR PRIMARY KEY, practice_name VARCHAR NOT NULL, postcode VARCHAR,
    pcn_code VARCHAR NOT NULL, pcn_name VARCHAR NOT NULL, sub_icb_code VARCHAR NOT NULL,
    icb_code VARCHAR NOT NULL
);
