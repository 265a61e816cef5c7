from krs import create_app

app = create_app()
