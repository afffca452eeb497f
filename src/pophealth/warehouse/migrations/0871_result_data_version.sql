-- Which population version each product was computed from, for products other than PHM runs (which keep it
-- in phm_run): risk runs, board packs, published sites. One row per product instance.
CREATE TABLE IF NOT EXISTS result_data_version (
    product     VARCHAR NOT NULL,   -- 'risk run', 'board pack', 'published site'
    product_id  VARCHAR NOT NULL,   -- the run id, or the output folder/file
    dataset     VARCHAR NOT NULL,   -- 'population'
    version_id  BIGINT,
    content_id  VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
