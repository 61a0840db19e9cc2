"""Orders: checkout (quote and place), delivery slots, the address book, payment methods,
the status flow, reviews and the mails they send. Plain functions; views, tasks, the CLI
and the admin call the same ones."""
