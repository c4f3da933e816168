"""The families of release checks, each a function from the `ReleaseView` to the problems it finds.

`rows` reads every table once (filling the view's figures); the others only look at the view and the small
files (manifest, card, datasheet, croissant.json). `validate.release` runs them in order.
"""
