"""The letters (licences, advisory opinions) screen."""
