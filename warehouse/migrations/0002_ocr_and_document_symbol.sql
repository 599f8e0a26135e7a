-- Scans and cover blocks: which pages were read by OCR (and how confidently), and the
-- document's own code (UN symbol, meeting-paper code) when it prints one.
ALTER TABLE documents ADD COLUMN ocr_pages INTEGER[] DEFAULT [];
ALTER TABLE documents ADD COLUMN ocr_confidence DOUBLE;
ALTER TABLE documents ADD COLUMN document_symbol VARCHAR;
ALTER TABLE documents ALTER COLUMN ocr_pages SET NOT NULL;
