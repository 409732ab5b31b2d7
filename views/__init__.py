"""Pure builders: frames in, figures, texts and tables out. No Streamlit calls, no SQL."""
