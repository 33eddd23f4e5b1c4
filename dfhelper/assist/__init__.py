"""``dfhelper assist``: a two-panel app for a volunteer or staff member helping a patient one-to-one."""
