"""Demo content: the stories, the banners drawn for them, and the seeder that stores them."""
