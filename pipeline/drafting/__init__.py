"""Parts of the drafting stage (transcript -> draft case note); ``pipeline.draft`` joins them."""
