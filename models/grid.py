"""A built table as the data grid receives it, converted once (not at every rerun).

`st.dataframe` converts a pandas frame to Arrow at every rerun (3 to 5 ms for the 382 rows of the
Lauréats list); given an Arrow table it only writes it out. The conversion is Streamlit's own (the
same schema, index metadata and column types), so the grid shows and sorts exactly what it showed
from the frame. It is a pure function of the frame: no Streamlit runtime is involved, and the API
never asks for it.
"""
from __future__ import annotations

import pandas as pd
import pyarrow as pa


def for_grid(frame: pd.DataFrame) -> pa.Table:
    from streamlit import dataframe_util

    return dataframe_util.convert_pandas_df_to_arrow_table(frame)
