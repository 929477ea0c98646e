"""Places: postcodes geocoded from the ONS Postcode Directory, and where children were."""
