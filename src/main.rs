fn main() -> anyhow::Result<()> {
    klustera::cli::main()
}
