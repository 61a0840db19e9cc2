"""The cart: lines in Redis, what can still be bought (stock), and the cart page's rows."""
