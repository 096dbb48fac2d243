// mimalloc: the default allocator cost a quarter of the gateway's CPU under load (bench/).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    klustera::cli::main()
}
