"""The kiosk's own sentences, marked for translation (shown through the patient's translator)."""

from __future__ import annotations

from dfhelper.engine.text import N_, N_plural

WELCOME = N_("Need help with the NHS App or contacting your GP online?")
WELCOME_TOUCH = N_("Touch the screen or press any key to start.")
START = N_("Start")
CHOOSE_LANGUAGE = N_("Choose your language")
HELP_WITH = N_("What do you need help with?")
SEARCH_PLACEHOLDER = N_("Or type what you need, for example: prescription")
SEARCH_FOUND = N_("Is it one of these?")
DID_YOU_MEAN = N_("Did you mean one of these?")
NOTHING_FOUND = N_("Sorry, nothing matched. Try other words, or ask a member of staff.")
APPLIES = N_("What applies to you?")
APPLIES_WHY = N_("This helps us show the right steps. You can skip it. We do not keep your answers.")
SKIP = N_("Skip")
ANSWER_YES = N_("Yes")
ANSWER_NO = N_("No")
BACK = N_("Back")
START_AGAIN = N_("Start again")
STUCK = N_("I'm stuck - get help")
MORE_HELP = N_("More help")
TYPE_ANSWER = N_("Type your answer here")
OK = N_("OK")
PROGRESS = N_("Step {position} of about {estimate}")
IN_ENGLISH = N_("(in English)")
FINISHED = N_("Well done. You have finished.")
WHAT_NEXT = N_("What happens next")
CARRY_ON_AT_HOME = N_("Scan this code with a phone camera to carry on at home:")
ANOTHER_TASK = N_("Help with something else")
ALL_DONE = N_("I have finished")
HELP_SAVED = N_("Your request for help is saved. Your number is {ticket}.")
HELP_NOT_SAVED = N_("Sorry, your request could not be saved. Please go to reception now.")
HELP_SENDING = N_("Sending your request to reception. Please wait here.")
HELP_AT_DESK = N_("Reception has your request. Please wait here. Someone will come to you.")
HELP_COMING = N_("Someone is coming to help you now. Please wait here.")
HELP_GO_TO_DESK = N_("Please go to reception now and show this number.")
HELP_DONE = N_("Reception has closed your request. If you still need help, please go to reception.")
STILL_THERE = N_("Are you still there?")
STILL_THERE_WIPE, STILL_THERE_WIPE_PLURAL = N_plural(
    "To keep your information private, this screen will clear in {n} second.",
    "To keep your information private, this screen will clear in {n} seconds.",
)
MORE_TIME = N_("I need more time")
TOO_SMALL = N_("This screen is too small. Please make the window bigger, or ask at reception.")
STAFF_PIN = N_("Staff only: enter the PIN to close dfhelper.")
WRONG_PIN = N_("That PIN is not right.")
CANCEL = N_("Cancel")
NO_PASSWORDS = N_("Never type a password here. Staff will never ask for one.")

# The urgent screen (a red flag in what the patient typed); its guidance is the safety messages.
IN_ENGLISH_TOO = N_("In English:")
CONFIRM_GO_BACK = N_("Go back only if you are safe. Reception still has your request for help.")
YES_GO_BACK = N_("Yes, I am safe. Go back")
STAY_HERE = N_("No, stay here")

# The privacy notice (from the welcome screen), and the warning where patients type.
PRIVACY = N_("Privacy")
PRIVACY_HEADING = N_("Your privacy")
PRIVACY_NOT_ASKED = N_("This screen does not ask for your name, NHS number, address or date of birth.")
PRIVACY_FORGOTTEN = N_(
    "What you choose here is forgotten when you finish, or after a few minutes with no touch."
)
PRIVACY_HELP = N_(
    "If you ask for help, reception sees your ticket number, your language, "
    "the task and the step you were on."
)
PRIVACY_MORE = N_("Ask at reception for the practice's full privacy notice.")

# Read-aloud on the step screen (spoken by espeak-ng, when it has a voice for the language).
READ_ALOUD = N_("Read aloud")
NO_VOICE = N_("Sorry, reading aloud is not available in this language.")
