/* The floor of "one file, one invocation": a program that does nothing.
 * make bench times it beside env-doctor, so that the cost of starting a
 * process on the machine is in the table. */
int main(void)
{
    return 0;
}
