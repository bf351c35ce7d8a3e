// Tests never read the developer's .data directory or a DATABASE_URL meant for the app.
process.env.DATA_DIR = '/nonexistent/sightline-tests';
